import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spKeys, auditLog } from "@/db/schema";
import { openSecret } from "@/lib/crypto/secret-box";
import { makeSamlKit, TEST_APP_URL, type SamlKit } from "@/lib/testing/saml-kit";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { toSpKeyDto } from "@/lib/api/dto/connections";
import { consumeSamlResponse, failureOf } from "./saml-acs";
import { startSamlLogin } from "./saml-login";
import { listPublishedSpCertificates, listSpKeys, rotateSpKey } from "./sp-keys";
import { getSpMetadata } from "./sp-metadata";

let t: TestDb;
let kit: SamlKit;
beforeAll(async () => {
  t = await createTestDb();
  kit = await makeSamlKit(t.db);
});
afterAll(async () => {
  await t?.close();
});

const body = (pem: string) => pem.replace(/-----[^-]+-----|\s/g, "");

/** A full SP-initiated sign-in; returns which published cert verified the AuthnRequest. */
async function signIn(): Promise<void> {
  const { requestId, relayState, signatureVerified } = await kit.login();
  expect(signatureVerified).toBe(true);
  const r = await consumeSamlResponse(t.db, {
    slug: kit.connection.slug,
    samlResponse: kit.respond({ inResponseTo: requestId }),
    relayState,
    appUrl: TEST_APP_URL,
  });
  expect(failureOf(r)).toBeNull();
}

/** Which single certificate verifies a fresh AuthnRequest. */
async function signingCert(candidates: string[]): Promise<string | null> {
  const start = await startSamlLogin(t.db, { slug: kit.connection.slug, browserNonce: "n".repeat(43), appUrl: TEST_APP_URL });
  if (start.binding !== "redirect") throw new Error("expected redirect binding");
  for (const pem of candidates) {
    try {
      if (kit.idp.parseAuthnRequest({ binding: "redirect", query: start.url, spCertificatesPem: [pem] }).signatureVerified) return pem;
    } catch {
      /* not this one */
    }
  }
  return null;
}

describe("SP keys", () => {
  it("a new connection has one active key, encrypted at rest, never in DTOs", async () => {
    const rows = await t.db.select().from(spKeys).where(eq(spKeys.connectionId, kit.connection.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.state).toBe("active");
    expect(rows[0]!.privateKeyEncrypted.startsWith("v1:")).toBe(true);
    expect(rows[0]!.privateKeyEncrypted).not.toContain("PRIVATE KEY");
    expect(openSecret(rows[0]!.privateKeyEncrypted)).toContain("PRIVATE KEY");
    const dtos = (await listSpKeys(t.db, kit.workspace.id, kit.connection.id)).map(toSpKeyDto);
    expect(JSON.stringify(dtos)).not.toMatch(/PRIVATE KEY|v1:/);
  });

  it("stage → activate → retire, with a successful sign-in at every step", async () => {
    const actor = { userId: kit.owner.id };
    await signIn();
    const [original] = await listSpKeys(t.db, kit.workspace.id, kit.connection.id);

    // 1. Stage: both published, requests still signed by the old key.
    const staged = await rotateSpKey(t.db, kit.workspace.id, kit.connection.id, "stage", actor);
    const next = staged.find((k) => k.state === "next")!;
    expect(staged.map((k) => k.state).sort()).toEqual(["active", "next"]);
    let published = await listPublishedSpCertificates(t.db, kit.connection.id);
    expect(published).toEqual([original!.certificatePem, next.certificatePem]);
    const meta = (await getSpMetadata(t.db, kit.connection.slug, TEST_APP_URL)).xml;
    expect(meta).toContain(body(original!.certificatePem));
    expect(meta).toContain(body(next.certificatePem));
    expect(await signingCert(published)).toBe(original!.certificatePem);
    await signIn();
    await expect(rotateSpKey(t.db, kit.workspace.id, kit.connection.id, "stage", actor)).rejects.toMatchObject({ code: "CONFLICT" });

    // 2. Activate: new key signs; the old one stays published for the grace period.
    const activated = await rotateSpKey(t.db, kit.workspace.id, kit.connection.id, "activate", actor);
    expect(activated.find((k) => k.id === next.id)!.state).toBe("active");
    expect(activated.find((k) => k.id === original!.id)!.state).toBe("retired");
    published = await listPublishedSpCertificates(t.db, kit.connection.id);
    expect(published).toEqual([next.certificatePem, original!.certificatePem]);
    expect(await signingCert(published)).toBe(next.certificatePem);
    await signIn();

    // 3. Retire: the old key leaves the metadata.
    await rotateSpKey(t.db, kit.workspace.id, kit.connection.id, "retire", actor);
    published = await listPublishedSpCertificates(t.db, kit.connection.id);
    expect(published).toEqual([next.certificatePem]);
    expect((await getSpMetadata(t.db, kit.connection.slug, TEST_APP_URL)).xml).not.toContain(body(original!.certificatePem));
    await signIn();
    await expect(rotateSpKey(t.db, kit.workspace.id, kit.connection.id, "retire", actor)).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(rotateSpKey(t.db, kit.workspace.id, kit.connection.id, "activate", actor)).rejects.toMatchObject({ code: "CONFLICT" });

    const actions = (await t.db.select().from(auditLog).where(eq(auditLog.targetId, kit.connection.id))).map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining(["connection.sp_key_staged", "connection.sp_key_activated", "connection.sp_key_retired"]),
    );
  });

  it("another workspace cannot see or rotate the keys", async () => {
    const other = await makeSamlKit(t.db);
    await expect(listSpKeys(t.db, other.workspace.id, kit.connection.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(rotateSpKey(t.db, other.workspace.id, kit.connection.id, "stage", {})).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
