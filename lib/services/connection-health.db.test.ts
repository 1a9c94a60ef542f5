import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connections, domains, ssoEvents, type IdpCertificate } from "@/db/schema";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { getConnectionHealthOrThrow, listConnectionHealth } from "./connection-health";
import { createWorkspace } from "./workspaces";

let t: TestDb;
let wsA: string;
let wsB: string;
const now = new Date("2030-06-15T12:00:00Z");
const days = (n: number) => new Date(now.getTime() + n * 86_400_000);
const hours = (n: number) => new Date(now.getTime() + n * 3_600_000);
const cert = (notAfter: Date): IdpCertificate => ({
  pem: "x",
  subject: "CN=idp",
  notBefore: "2029-01-01T00:00:00Z",
  notAfter: notAfter.toISOString(),
  fingerprintSha256: "ab",
});

async function addConnection(workspaceId: string, slug: string, opts: Partial<typeof connections.$inferInsert> = {}) {
  const [row] = await t.db
    .insert(connections)
    .values({
      workspaceId,
      name: slug,
      slug,
      idpEntityId: "https://idp.example/entity",
      idpSsoUrlRedirect: "https://idp.example/sso",
      idpCertificates: [cert(days(365))],
      ...opts,
    })
    .returning();
  return row!;
}

/** `signed`: the response carried a valid signature of the IdP (the default here); unsigned failures never count. */
async function addEvent(
  workspaceId: string,
  connectionId: string,
  outcome: "success" | "failure",
  at: Date,
  testMode = false,
  signed = true,
) {
  await t.db.insert(ssoEvents).values({
    workspaceId,
    connectionId,
    outcome,
    errorCode: outcome === "failure" ? "SAML_SIGNATURE_INVALID" : null,
    createdAt: at,
    testMode,
    signatureVerified: signed,
  });
}

beforeAll(async () => {
  t = await createTestDb();
  wsA = (await createWorkspace(t.db, { slug: "health-a", name: "A", ownerEmail: "a@health.test" })).workspace.id;
  wsB = (await createWorkspace(t.db, { slug: "health-b", name: "B", ownerEmail: "b@health.test" })).workspace.id;
});
afterAll(async () => {
  await t.close();
});

describe("connection health", () => {
  it("reports an empty map for a workspace without connections", async () => {
    expect((await listConnectionHealth(t.db, wsB, now)).size).toBe(0);
  });

  it("derives each status from the connection and its sign-in events", async () => {
    const healthy = await addConnection(wsA, "h-healthy");
    await addEvent(wsA, healthy.id, "failure", hours(-5));
    await addEvent(wsA, healthy.id, "success", hours(-2));
    await addEvent(wsA, healthy.id, "failure", days(-3)); // outside 24 h

    const inactive = await addConnection(wsA, "h-inactive", { active: false, idpEntityId: null });
    const bare = await addConnection(wsA, "h-bare", { idpEntityId: null, idpSsoUrlRedirect: null, idpCertificates: [] });
    const noCert = await addConnection(wsA, "h-nocert", { idpCertificates: [] });

    const failing = await addConnection(wsA, "h-failing");
    await addEvent(wsA, failing.id, "success", days(-2));
    await addEvent(wsA, failing.id, "failure", hours(-3));
    await addEvent(wsA, failing.id, "failure", hours(-1));
    await addEvent(wsA, failing.id, "success", hours(-1.5), true); // a test that succeeded before the last failure

    const expiring = await addConnection(wsA, "h-expiring", { idpCertificates: [cert(days(400)), cert(days(12))] });
    const expired = await addConnection(wsA, "h-expired", { idpCertificates: [cert(days(-1))] });
    const edge = await addConnection(wsA, "h-edge", { idpCertificates: [cert(days(31))] });

    const testOnly = await addConnection(wsA, "h-testonly");
    await addEvent(wsA, testOnly.id, "failure", hours(-1), true);

    await t.db.insert(domains).values([
      { workspaceId: wsA, domain: "b.example", verificationToken: "t1", status: "verified", connectionId: healthy.id },
      { workspaceId: wsA, domain: "a.example", verificationToken: "t2", status: "verified", connectionId: healthy.id },
      { workspaceId: wsA, domain: "c.example", verificationToken: "t3", status: "pending" },
    ]);

    const h = await listConnectionHealth(t.db, wsA, now);
    expect(h.get(healthy.id)).toMatchObject({
      status: "active",
      failures24h: 1,
      lastSuccessAt: hours(-2),
      routedDomains: ["a.example", "b.example"],
      certExpiringSoon: false,
    });
    expect(h.get(inactive.id)?.status).toBe("inactive");
    expect(h.get(bare.id)).toMatchObject({
      status: "needs_metadata",
      certExpiresAt: null,
      certDaysLeft: null,
      lastSuccessAt: null,
      failures24h: 0,
    });
    expect(h.get(noCert.id)?.status).toBe("needs_metadata");
    expect(h.get(failing.id)).toMatchObject({ status: "failing", failures24h: 2, lastSuccessAt: days(-2) });
    expect(h.get(expiring.id)).toMatchObject({
      status: "cert_expiring",
      certExpiresAt: days(12),
      certDaysLeft: 12,
      certExpiringSoon: true,
    });
    expect(h.get(expired.id)).toMatchObject({ status: "cert_expiring", certDaysLeft: -1 });
    expect(h.get(edge.id)).toMatchObject({ status: "active", certExpiringSoon: false });
    // A connection whose only test failed is not "Active".
    expect(h.get(testOnly.id)).toMatchObject({ status: "failing", failures24h: 1, lastSuccessAt: null, lastTestFailed: true });
  });

  it("counts unsigned failures apart: they never make a connection failing", async () => {
    const c = await addConnection(wsA, "h-garbage");
    await addEvent(wsA, c.id, "success", days(-2));
    for (const h of [-3, -2, -1]) await addEvent(wsA, c.id, "failure", hours(h), false, false);
    const health = (await listConnectionHealth(t.db, wsA, now)).get(c.id)!;
    expect(health).toMatchObject({ status: "active", failures24h: 0, unsignedRefused24h: 3, lastTestFailed: false });
  });

  it("a test that fails long ago with nothing ever succeeding still is not active; a later success clears it", async () => {
    const c = await addConnection(wsA, "h-oldtest");
    await addEvent(wsA, c.id, "failure", days(-5), true);
    expect((await listConnectionHealth(t.db, wsA, now)).get(c.id)).toMatchObject({ status: "failing", failures24h: 0 });
    await addEvent(wsA, c.id, "success", days(-4), true);
    expect((await listConnectionHealth(t.db, wsA, now)).get(c.id)).toMatchObject({ status: "active", lastTestFailed: false });
  });

  it("is scoped to the workspace: another workspace's connection reads as NOT_FOUND", async () => {
    const other = await addConnection(wsB, "h-other");
    await addEvent(wsB, other.id, "failure", hours(-1));
    const a = await listConnectionHealth(t.db, wsA, now);
    expect(a.has(other.id)).toBe(false);
    await expect(getConnectionHealthOrThrow(t.db, wsA, other.id, now)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await getConnectionHealthOrThrow(t.db, wsB, other.id, now)).status).toBe("failing");
  });
});
