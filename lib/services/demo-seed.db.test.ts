import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connections, domains } from "@/db/schema";
import { env } from "@/lib/env";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { findConnectionBySlug } from "./connections";
import { discoverSso } from "./discovery";
import { recheckVerifiedDomains } from "./domains";
import { DEMO_CONNECTION, DEMO_WORKSPACE, seedDemoWorkspace } from "./demo-seed";
import { buildDevIdpResponse, devIdpUrls, getDevIdp } from "./dev-idp-store";
import { consumeSamlResponse, failureOf } from "./saml-acs";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t?.close();
});

describe("demo seed", () => {
  it("creates the Demo IdP connection to the built-in IdP; a sign-in through it works at once", async () => {
    const appUrl = env().appUrl;
    expect(await seedDemoWorkspace(t.db, { appUrl })).toMatchObject({ password: expect.any(String) });
    const found = await findConnectionBySlug(t.db, DEMO_CONNECTION.slug);
    expect(found?.workspace.slug).toBe(DEMO_WORKSPACE.slug);
    expect(found?.connection).toMatchObject({
      name: "Demo IdP",
      idpEntityId: devIdpUrls(appUrl).entityId,
      allowIdpInitiated: true,
      jitProvisioning: true,
      active: true,
    });
    const { fields } = await buildDevIdpResponse(t.db, {
      slug: DEMO_CONNECTION.slug,
      requestId: null,
      relayState: null,
      user: { email: "newcomer@acme.test", firstName: "New", lastName: "Comer", groups: [] },
    });
    const r = await consumeSamlResponse(t.db, { slug: DEMO_CONNECTION.slug, samlResponse: fields.SAMLResponse, relayState: null, appUrl });
    expect(failureOf(r)).toBeNull();
  });

  it("re-seeding is a no-op, and repairs the connection when the IdP's certificate changed", async () => {
    await t.db.update(connections).set({ idpCertificates: [] }).where(eq(connections.slug, DEMO_CONNECTION.slug));
    expect(await seedDemoWorkspace(t.db, { appUrl: env().appUrl })).toBeNull();
    const found = await findConnectionBySlug(t.db, DEMO_CONNECTION.slug);
    expect(found!.connection.idpCertificates[0]!.pem.replace(/\s/g, "")).toBe(getDevIdp().certificatePem.replace(/\s/g, ""));
  });
});

describe("the demo's acme.test (development seed)", () => {
  it("is verified, routed to the Demo IdP and marked as a seed, so discovery sends jane.doe@acme.test to SSO; the DNS re-check leaves it alone", async () => {
    const [row] = await t.db.select().from(domains).where(eq(domains.domain, "acme.test"));
    expect(row).toMatchObject({ status: "verified", demoSeed: true });
    const found = await findConnectionBySlug(t.db, DEMO_CONNECTION.slug);
    expect(row!.connectionId).toBe(found!.connection.id);
    const r = await discoverSso(t.db, { email: "jane.doe@acme.test", ip: "10.9.9.9", appUrl: env().appUrl });
    expect(r).toMatchObject({ found: true, name: "Demo IdP" });
    const summary = await recheckVerifiedDomains(t.db, new Date(Date.now() + 365 * 86_400_000), { olderThanMs: 0 });
    expect(summary.checked).toBe(0);
    const [after] = await t.db.select().from(domains).where(eq(domains.domain, "acme.test"));
    expect(after!.status).toBe("verified");
  });
});
