import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ssoEvents } from "@/db/schema";
import { createDevIdp } from "@/lib/dev-idp";
import { makeSamlKit, TEST_APP_URL, type SamlKit } from "@/lib/testing/saml-kit";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { getConnectionHealthOrThrow } from "./connection-health";
import { consumeSamlResponse, failureOf } from "./saml-acs";
import { UNSIGNED_EVENT_BUDGET } from "./unsigned-acs-requests";

/**
 * Health moves only on what the connection's IdP signed (or an admin's test): real signed responses
 * from the dev IdP, and the garbage, forgeries and malformed posts anyone can send to an ACS.
 */
let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t?.close();
});

const acs = (k: SamlKit, samlResponse: string | null, relayState: string | null = null) =>
  consumeSamlResponse(t.db, { slug: k.connection.slug, samlResponse, relayState, appUrl: TEST_APP_URL });
const health = (k: SamlKit) => getConnectionHealthOrThrow(t.db, k.workspace.id, k.connection.id);
const eventCount = async (k: SamlKit) => (await t.db.select().from(ssoEvents).where(eq(ssoEvents.connectionId, k.connection.id))).length;

/** Unauthenticated input: not base64 XML, a bare word, an unsigned response, one signed by an attacker's key. */
function garbage(k: SamlKit): string[] {
  const attacker = createDevIdp({ entityId: k.idp.entityId });
  return [
    "garbage",
    Buffer.from("<not-saml/>").toString("base64"),
    k.respond({ sign: "none" }),
    k.respond({ signingKey: { privateKeyPem: attacker.privateKeyPem, certificatePem: attacker.certificatePem } }),
  ];
}

describe("connection health: only signed responses and tests count", () => {
  it("garbage posts to the ACS do not turn a healthy connection failing; they are counted apart", async () => {
    const k = await makeSamlKit(t.db);
    expect(failureOf(await acs(k, k.respond()))).toBeNull();
    const posts = garbage(k);
    for (const p of posts) expect(failureOf(await acs(k, p))).not.toBeNull();
    expect(failureOf(await acs(k, null))).toBe("SAML_MALFORMED");
    const h = await health(k);
    expect(h).toMatchObject({ status: "active", failures24h: 0, unsignedRefused24h: posts.length + 1 });
    const rows = await t.db.select().from(ssoEvents).where(eq(ssoEvents.connectionId, k.connection.id));
    expect(rows.filter((r) => r.outcome === "failure").every((r) => !r.signatureVerified)).toBe(true);
    expect(rows.filter((r) => r.outcome === "success").every((r) => r.signatureVerified)).toBe(true);
  });

  it("a failure in a response the IdP signed (wrong audience) counts: the connection is failing", async () => {
    const k = await makeSamlKit(t.db);
    expect(failureOf(await acs(k, k.respond()))).toBeNull();
    expect(failureOf(await acs(k, k.respond({ audience: "https://wrong.test/sp" })))).toBe("SAML_AUDIENCE_MISMATCH");
    expect(await health(k)).toMatchObject({ status: "failing", failures24h: 1, unsignedRefused24h: 0 });
    // The IdP is fixed: the next signed sign-in succeeds and the connection is active again.
    expect(failureOf(await acs(k, k.respond()))).toBeNull();
    expect((await health(k)).status).toBe("active");
  });

  it("a connection whose only test failed is not Active, even when the test's response was not signed by the IdP", async () => {
    const k = await makeSamlKit(t.db);
    const { requestId, relayState } = await k.login({ test: true, userId: k.owner.id });
    const attacker = createDevIdp({ entityId: k.idp.entityId });
    const forged = k.respond({ inResponseTo: requestId, signingKey: attacker });
    expect(failureOf(await acs(k, forged, relayState))).toBe("SAML_SIGNATURE_INVALID");
    expect(await health(k)).toMatchObject({ status: "failing", failures24h: 1, lastTestFailed: true });
    const again = await k.login({ test: true, userId: k.owner.id });
    expect(failureOf(await acs(k, k.respond({ inResponseTo: again.requestId }), again.relayState))).toBeNull();
    expect(await health(k)).toMatchObject({ status: "active", lastTestFailed: false, lastSuccessAt: null });
  });

  it("unsigned requests beyond the budget are counted but not stored (no database bloat)", async () => {
    const k = await makeSamlKit(t.db);
    const total = UNSIGNED_EVENT_BUDGET.limit + 5;
    for (let i = 0; i < total; i++) {
      const r = await acs(k, `garbage-${i}`);
      expect(failureOf(r)).toBe("SAML_MALFORMED");
    }
    expect(await eventCount(k)).toBe(UNSIGNED_EVENT_BUDGET.limit);
    expect(await health(k)).toMatchObject({ status: "active", failures24h: 0, unsignedRefused24h: total });
    // Signed failures are never dropped by that budget.
    expect(failureOf(await acs(k, k.respond({ audience: "https://wrong.test/sp" })))).toBe("SAML_AUDIENCE_MISMATCH");
    expect(await eventCount(k)).toBe(UNSIGNED_EVENT_BUDGET.limit + 1);
    expect((await health(k)).status).toBe("failing");
  });
});

describe("signature failures show expected vs actual certificates", () => {
  it("SAML_SIGNATURE_INVALID records the configured certificate and the one that signed (from KeyInfo, display only)", async () => {
    const k = await makeSamlKit(t.db);
    const { requestId, relayState } = await k.login({ test: true, userId: k.owner.id });
    const rotated = createDevIdp({ entityId: k.idp.entityId });
    const r = await acs(k, k.respond({ inResponseTo: requestId, signingKey: rotated }), relayState);
    expect(failureOf(r)).toBe("SAML_SIGNATURE_INVALID");
    const [ev] = await t.db.select().from(ssoEvents).where(eq(ssoEvents.id, r.eventId!));
    const configured = k.connection.idpCertificates[0]!;
    const signer = new (await import("node:crypto")).X509Certificate(rotated.certificatePem);
    expect(ev!.detail).toMatchObject({
      expectedCertificates: [{ fingerprintSha256: configured.fingerprintSha256, subject: expect.stringContaining("CN=") }],
      actualCertificates: [{ fingerprintSha256: signer.fingerprint256, subject: expect.stringContaining("CN=") }],
    });
    expect(signer.fingerprint256).not.toBe(configured.fingerprintSha256);
  });
});
