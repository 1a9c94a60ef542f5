import http from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, connections } from "@/db/schema";
import { createDevIdp } from "@/lib/dev-idp";
import { makeSamlKit, TEST_APP_URL } from "@/lib/testing/saml-kit";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { toConnectionDto } from "@/lib/api/dto/connections";
import { connectionCreateSchema, connectionUpdateSchema } from "@/lib/schemas/connections";
import {
  createConnection,
  deleteConnection,
  getConnectionOrThrow,
  isSlugAvailable,
  listConnections,
  previewIdpMetadata,
  refreshConnectionMetadata,
  updateConnection,
} from "./connections";
import { maybeRefreshStaleMetadata } from "./idp-metadata";
import { consumeSamlResponse, failureOf } from "./saml-acs";
import { createWorkspace } from "./workspaces";
import { memberActor, OPERATOR } from "./actor";

let t: TestDb;
let ws: { id: string; ownerId: string };
let other: { id: string };
const idp = createDevIdp({ entityId: "https://idp.meta.test/entity" });
const rotated = createDevIdp({ entityId: "https://idp.meta.test/entity" });

// A loopback metadata server the test controls.
let served = { status: 200, body: idp.metadataXml("https://idp.meta.test/sso"), delayMs: 0 };
let hits = 0;
let server: http.Server;
let metaUrl: string;

beforeAll(async () => {
  t = await createTestDb();
  const a = await createWorkspace(t.db, { slug: "conn-a", name: "A", ownerEmail: "a@a.test" });
  const b = await createWorkspace(t.db, { slug: "conn-b", name: "B", ownerEmail: "b@b.test" });
  ws = { id: a.workspace.id, ownerId: a.owner.id };
  other = { id: b.workspace.id };
  server = http.createServer((_req, res) => {
    hits++;
    setTimeout(() => res.writeHead(served.status, { "content-type": "application/samlmetadata+xml" }).end(served.body), served.delayMs);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  metaUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metadata`;
});
afterAll(async () => {
  server?.closeAllConnections();
  server?.close();
  await t?.close();
});

const actor = () => memberActor(ws.ownerId, "owner");

describe("connections", () => {
  it("creates from XML with an active SP key; slug is global and unique; DTO carries SP values and no secrets", async () => {
    const c = await createConnection(
      t.db,
      ws.id,
      connectionCreateSchema.parse({ name: "Okta", slug: "okta-a", metadataXml: idp.metadataXml("https://idp.meta.test/sso") }),
      actor(),
    );
    expect(c).toMatchObject({
      idpEntityId: idp.entityId,
      idpSsoUrlRedirect: "https://idp.meta.test/sso",
      metadataSource: "xml",
      version: 1,
    });
    expect(c.idpCertificates).toHaveLength(1);
    expect(c.idpCertificates[0]!.notAfter).toMatch(/^\d{4}-/);
    const dto = toConnectionDto(c, TEST_APP_URL);
    expect(dto.sp).toEqual({
      entity_id: `${TEST_APP_URL}/auth/sso/saml/okta-a`,
      acs_url: `${TEST_APP_URL}/auth/sso/saml/okta-a/acs`,
      metadata_url: `${TEST_APP_URL}/auth/sso/saml/okta-a/metadata`,
      login_url: `${TEST_APP_URL}/auth/sso/saml/okta-a/login`,
      slo_url: `${TEST_APP_URL}/auth/sso/saml/okta-a/slo`,
    });
    expect(dto.configured).toBe(true);
    expect(JSON.stringify(dto)).not.toMatch(/PRIVATE KEY|private_key|v1:/);
    expect(await isSlugAvailable(t.db, "okta-a")).toBe(false);
    expect(await isSlugAvailable(t.db, "okta-b")).toBe(true);
    await expect(
      createConnection(t.db, other.id, connectionCreateSchema.parse({ name: "Dup", slug: "okta-a" }), OPERATOR),
    ).rejects.toMatchObject({ code: "SLUG_TAKEN" });
    // Input is parsed once, at the edge (console action, REST API, CLI): the operation schema refuses a bad slug.
    expect(connectionCreateSchema.safeParse({ name: "Bad", slug: "Bad Slug!" }).success).toBe(false);
    const audit = await t.db.select().from(auditLog).where(eq(auditLog.targetId, c.id));
    expect(audit.map((a) => a.action)).toContain("connection.created");
    expect(JSON.stringify(audit)).not.toContain("PRIVATE KEY");
  });

  it("accepts manual entry, and refuses two sources at once", async () => {
    const c = await createConnection(
      t.db,
      ws.id,
      connectionCreateSchema.parse({
        name: "Manual",
        slug: "manual-a",
        manual: { entityId: "urn:idp:manual", ssoUrl: "https://idp.manual.test/sso", certificatePem: idp.certificatePem },
      }),
      actor(),
    );
    expect(c).toMatchObject({ metadataSource: "manual", idpEntityId: "urn:idp:manual", idpSsoUrlRedirect: "https://idp.manual.test/sso" });
    await expect(
      createConnection(
        t.db,
        ws.id,
        connectionCreateSchema.parse({
          name: "Both",
          slug: "both-a",
          metadataXml: "<x/>",
          manual: { entityId: "e", ssoUrl: "https://x.test", certificatePem: idp.certificatePem },
        }),
        actor(),
      ),
    ).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await expect(
      createConnection(
        t.db,
        ws.id,
        connectionCreateSchema.parse({ name: "Garbage", slug: "garbage-a", metadataXml: "<not-metadata/>" }),
        actor(),
      ),
    ).rejects.toMatchObject({ code: "SAML_METADATA_INVALID" });
    await expect(
      createConnection(
        t.db,
        ws.id,
        connectionCreateSchema.parse({
          name: "BadCert",
          slug: "badcert-a",
          manual: { entityId: "e", ssoUrl: "https://x.test", certificatePem: "not a cert" },
        }),
        actor(),
      ),
    ).rejects.toMatchObject({ code: "SAML_METADATA_INVALID" });
  });

  it("can be created without metadata (not configured yet)", async () => {
    const c = await createConnection(t.db, ws.id, connectionCreateSchema.parse({ name: "Later", slug: "later-a" }), actor());
    expect(toConnectionDto(c, TEST_APP_URL).configured).toBe(false);
  });

  it("stores every IdP signing certificate; a response signed by any of them is accepted", async () => {
    const two = idp
      .metadataXml("https://idp.meta.test/sso")
      .replace(
        "<md:NameIDFormat>",
        `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${rotated.certificatePem.replace(/-----[^-]+-----|\s/g, "")}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>\n<md:NameIDFormat>`,
      );
    const c = await createConnection(
      t.db,
      ws.id,
      connectionCreateSchema.parse({ name: "Two certs", slug: "two-certs", metadataXml: two, allowIdpInitiated: true }),
      actor(),
    );
    expect(c.idpCertificates.map((x) => x.fingerprintSha256)).toHaveLength(2);
    for (const signer of [idp, rotated]) {
      const r = await consumeSamlResponse(t.db, {
        slug: "two-certs",
        samlResponse: signer.createResponse({
          acsUrl: `${TEST_APP_URL}/auth/sso/saml/two-certs/acs`,
          audience: `${TEST_APP_URL}/auth/sso/saml/two-certs`,
          nameId: `u-${signer === idp ? 1 : 2}@corp.test`,
        }),
        relayState: null,
        appUrl: TEST_APP_URL,
      });
      expect(failureOf(r)).toBeNull();
    }
  });

  it("edits are version-checked, audited and tenant-scoped", async () => {
    const c = await createConnection(t.db, ws.id, connectionCreateSchema.parse({ name: "Edit me", slug: "edit-a" }), actor());
    const u = await updateConnection(
      t.db,
      ws.id,
      c.id,
      { version: 1, name: "Edited", allowIdpInitiated: true, defaultRedirect: "/home" },
      actor(),
    );
    expect(u).toMatchObject({ name: "Edited", version: 2, slug: "edit-a", allowIdpInitiated: true, defaultRedirect: "/home" });
    await expect(updateConnection(t.db, ws.id, c.id, { version: 1, name: "Stale" }, actor())).rejects.toMatchObject({
      code: "VERSION_CONFLICT",
    });
    expect(connectionUpdateSchema.safeParse({ version: 2, defaultRedirect: "//evil.test" }).success).toBe(false);
    await expect(updateConnection(t.db, other.id, c.id, { version: 2, name: "Hijack" }, OPERATOR)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(getConnectionOrThrow(t.db, other.id, c.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await listConnections(t.db, other.id)).map((x) => x.id)).not.toContain(c.id);
    // Concurrent edits from the same version: exactly one wins.
    const results = await Promise.allSettled(
      [1, 2, 3].map((i) => updateConnection(t.db, ws.id, c.id, { version: 2, name: `Racer ${i}` }, actor())),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason.code)).toEqual([
      "VERSION_CONFLICT",
      "VERSION_CONFLICT",
    ]);
    await deleteConnection(t.db, ws.id, c.id, actor());
    await expect(getConnectionOrThrow(t.db, ws.id, c.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    const actions = (await t.db.select().from(auditLog).where(eq(auditLog.targetId, c.id))).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["connection.created", "connection.updated", "connection.deleted"]));
  });
});

describe("IdP metadata by URL", () => {
  it("previews and creates from a URL (loopback server), recording the fetch time", async () => {
    const preview = await previewIdpMetadata({ metadataUrl: metaUrl });
    expect(preview).toMatchObject({ entityId: idp.entityId, source: "url" });
    const c = await createConnection(
      t.db,
      ws.id,
      connectionCreateSchema.parse({ name: "By URL", slug: "by-url", metadataUrl: metaUrl }),
      actor(),
    );
    expect(c).toMatchObject({ metadataSource: "url", metadataUrl: metaUrl, metadataError: null });
    expect(c.metadataFetchedAt).toBeInstanceOf(Date);
  });

  it("a failed refresh keeps the last good metadata and records the error; a later success clears it", async () => {
    const c = await createConnection(
      t.db,
      ws.id,
      connectionCreateSchema.parse({ name: "Keep", slug: "keep-good", metadataUrl: metaUrl }),
      actor(),
    );
    served = { ...served, status: 500 };
    await expect(refreshConnectionMetadata(t.db, ws.id, c.id, actor())).rejects.toMatchObject({ code: "SAML_METADATA_FETCH_FAILED" });
    let row = await getConnectionOrThrow(t.db, ws.id, c.id);
    expect(row.idpCertificates).toEqual(c.idpCertificates);
    expect(row.metadataError).toMatch(/500/);
    served = { ...served, status: 200, body: "<not-metadata/>" };
    await expect(refreshConnectionMetadata(t.db, ws.id, c.id, actor())).rejects.toMatchObject({ code: "SAML_METADATA_INVALID" });
    expect((await getConnectionOrThrow(t.db, ws.id, c.id)).idpEntityId).toBe(idp.entityId);
    served = { ...served, body: rotated.metadataXml("https://idp.meta.test/sso2") };
    row = await refreshConnectionMetadata(t.db, ws.id, c.id, actor());
    expect(row.metadataError).toBeNull();
    expect(row.idpSsoUrlRedirect).toBe("https://idp.meta.test/sso2");
    expect(row.idpCertificates[0]!.pem.replace(/\s/g, "")).toBe(rotated.certificatePem.replace(/\s/g, ""));
    served = { status: 200, body: idp.metadataXml("https://idp.meta.test/sso"), delayMs: 0 };
    const xmlConn = await createConnection(
      t.db,
      ws.id,
      connectionCreateSchema.parse({ name: "X", slug: "xml-no-refresh", metadataXml: idp.metadataXml("https://x.test") }),
      actor(),
    );
    await expect(refreshConnectionMetadata(t.db, ws.id, xmlConn.id)).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("re-fetches after the TTL (stale-while-revalidate); exactly one instance claims it", async () => {
    const c = await createConnection(
      t.db,
      ws.id,
      connectionCreateSchema.parse({ name: "TTL", slug: "ttl-a", metadataUrl: metaUrl }),
      actor(),
    );
    const now = new Date();
    expect(maybeRefreshStaleMetadata(t.db, c, now, { ttlSeconds: 900 })).toBeNull(); // fresh
    served = { status: 200, body: rotated.metadataXml("https://idp.meta.test/sso-new"), delayMs: 0 };
    const later = new Date(now.getTime() + 901_000);
    hits = 0;
    const claims = [1, 2, 3, 4].map(() => maybeRefreshStaleMetadata(t.db, c, later, { ttlSeconds: 900 }));
    await Promise.all(claims);
    expect(hits).toBe(1);
    const row = await getConnectionOrThrow(t.db, ws.id, c.id);
    expect(row.idpSsoUrlRedirect).toBe("https://idp.meta.test/sso-new");
    expect(row.metadataFetchedAt!.getTime()).toBe(later.getTime());
    served = { status: 200, body: idp.metadataXml("https://idp.meta.test/sso"), delayMs: 0 };
  });

  it("a stale refresh never slows a sign-in (the ACS does not wait for it)", async () => {
    const k = await makeSamlKit(t.db);
    served = { status: 200, body: k.idp.metadataXml("https://idp.slow.test/sso"), delayMs: 4000 };
    await t.db
      .update(connections)
      .set({ metadataSource: "url", metadataUrl: metaUrl, metadataFetchedAt: new Date(Date.now() - 3600_000) })
      .where(eq(connections.id, k.connection.id));
    const started = Date.now();
    const r = await consumeSamlResponse(t.db, {
      slug: k.connection.slug,
      samlResponse: k.respond(),
      relayState: null,
      appUrl: TEST_APP_URL,
    });
    expect(failureOf(r)).toBeNull();
    expect(Date.now() - started).toBeLessThan(3500);
    await new Promise((r) => setTimeout(r, 4200));
    served = { status: 200, body: idp.metadataXml("https://idp.meta.test/sso"), delayMs: 0 };
  });
});
