import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, domains } from "@/db/schema";
import { startTestDnsServer, type TestDnsServer } from "@/lib/testing/dns-server";
import { makeConnection, makeWorkspace, uniq } from "@/lib/testing/fixtures";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { getSsoDomainPolicy } from "./domain-policy";
import { addDomain, getDomainByNameOrThrow, listDomains, recheckVerifiedDomains, removeDomain, routeDomain, verifyDomain } from "./domains";

let t: TestDb;
let dns: TestDnsServer;
const actor = { userId: null, ip: "127.0.0.1" };
let servers: string[];

beforeAll(async () => {
  t = await createTestDb();
  dns = await startTestDnsServer();
  servers = [dns.address];
});
afterAll(async () => {
  await dns.close();
  await t.close();
});

const newDomain = () => `d-${uniq()}.example.com`;

async function auditActions(workspaceId: string) {
  return (await t.db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.workspaceId, workspaceId))).map((r) => r.action);
}

describe("adding a domain", () => {
  it("normalises, shows the TXT record and is idempotent per workspace", async () => {
    const { workspace } = await makeWorkspace(t.db);
    const name = newDomain();
    const d = await addDomain(t.db, workspace.id, `https://${name.toUpperCase()}./path`, actor);
    expect(d).toMatchObject({ domain: name, status: "pending", connectionId: null, verifiedAt: null });
    expect(d.record.type).toBe("TXT");
    expect(d.record.name).toBe(`_gatehouse-challenge.${name}`);
    expect(d.record.value).toMatch(/^gatehouse-verification=[A-Za-z0-9_-]{32}$/);
    const again = await addDomain(t.db, workspace.id, `@${name}`, actor);
    expect(again.id).toBe(d.id);
    expect(again.record.value).toBe(d.record.value);
    expect(await listDomains(t.db, workspace.id)).toHaveLength(1);
    expect(await auditActions(workspace.id)).toEqual(["domain.added"]);
  });

  it("refuses what is not a registrable domain", async () => {
    const { workspace } = await makeWorkspace(t.db);
    for (const bad of ["localhost", "10.0.0.1", "acme", "co.uk", "exa mple.com", ""]) {
      await expect(addDomain(t.db, workspace.id, bad, actor)).rejects.toMatchObject({ code: "DOMAIN_INVALID" });
    }
  });

  it("tokens differ per workspace claim", async () => {
    const a = await makeWorkspace(t.db);
    const b = await makeWorkspace(t.db);
    const name = newDomain();
    const da = await addDomain(t.db, a.workspace.id, name, actor);
    const db2 = await addDomain(t.db, b.workspace.id, name, actor);
    expect(da.record.value).not.toBe(db2.record.value);
  });
});

describe("verifying against a loopback DNS server", () => {
  it("verifies when the TXT record matches (among other TXT records, split into strings)", async () => {
    const { workspace } = await makeWorkspace(t.db);
    const d = await addDomain(t.db, workspace.id, newDomain(), actor);
    dns.setTxt(d.record.name, ["v=spf1 -all", d.record.value]);
    const now = new Date("2030-01-01T10:00:00Z");
    const v = await verifyDomain(t.db, workspace.id, d.id, actor, { servers, now });
    expect(v).toMatchObject({ status: "verified", lastCheckError: null });
    expect(v.verifiedAt?.toISOString()).toBe(now.toISOString());
    expect(v.lastCheckedAt?.toISOString()).toBe(now.toISOString());
    expect(await auditActions(workspace.id)).toContain("domain.verified");
    expect(dns.queries.get(d.record.name)).toBeGreaterThan(0);
  });

  it("a wrong value → DNS_RECORD_MISMATCH, stays pending with the reason stored", async () => {
    const { workspace } = await makeWorkspace(t.db);
    const d = await addDomain(t.db, workspace.id, newDomain(), actor);
    dns.setTxt(d.record.name, ["gatehouse-verification=not-the-token"]);
    const err = await verifyDomain(t.db, workspace.id, d.id, actor, { servers }).catch((e) => e);
    expect(err.code).toBe("DNS_RECORD_MISMATCH");
    expect(err.status).toBe(422);
    expect(err.detail).toMatchObject({
      recordName: d.record.name,
      expected: d.record.value,
      found: ["gatehouse-verification=not-the-token"],
    });
    const after = await getDomainByNameOrThrow(t.db, workspace.id, d.domain);
    expect(after).toMatchObject({ status: "pending", lastCheckError: "DNS_RECORD_MISMATCH" });
    expect(after.lastCheckedAt).not.toBeNull();
  });

  it("no record (NXDOMAIN or an empty answer) → DNS_RECORD_MISSING", async () => {
    const { workspace } = await makeWorkspace(t.db);
    const d = await addDomain(t.db, workspace.id, newDomain(), actor);
    await expect(verifyDomain(t.db, workspace.id, d.id, actor, { servers })).rejects.toMatchObject({ code: "DNS_RECORD_MISSING" });
    dns.setAnswer(d.record.name, { kind: "nodata" });
    await expect(verifyDomain(t.db, workspace.id, d.id, actor, { servers })).rejects.toMatchObject({ code: "DNS_RECORD_MISSING" });
    expect((await getDomainByNameOrThrow(t.db, workspace.id, d.domain)).lastCheckError).toBe("DNS_RECORD_MISSING");
  });

  it("a failing name server → DNS_ERROR (SERVFAIL, REFUSED, timeout)", async () => {
    const { workspace } = await makeWorkspace(t.db);
    const d = await addDomain(t.db, workspace.id, newDomain(), actor);
    dns.setAnswer(d.record.name, { kind: "servfail" });
    await expect(verifyDomain(t.db, workspace.id, d.id, actor, { servers })).rejects.toMatchObject({ code: "DNS_ERROR", status: 502 });
    dns.setAnswer(d.record.name, { kind: "refused" });
    await expect(verifyDomain(t.db, workspace.id, d.id, actor, { servers })).rejects.toMatchObject({ code: "DNS_ERROR" });
    dns.setAnswer(d.record.name, { kind: "drop" });
    await expect(verifyDomain(t.db, workspace.id, d.id, actor, { servers, timeoutMs: 200 })).rejects.toMatchObject({ code: "DNS_ERROR" });
    expect(await getDomainByNameOrThrow(t.db, workspace.id, d.domain)).toMatchObject({ status: "pending", lastCheckError: "DNS_ERROR" });
  });

  it("DNS_SERVERS from the environment is used when no servers are passed", async () => {
    const { workspace } = await makeWorkspace(t.db);
    const d = await addDomain(t.db, workspace.id, newDomain(), actor);
    dns.setTxt(d.record.name, [d.record.value]);
    const { resetEnvForTests } = await import("@/lib/env");
    process.env.DNS_SERVERS = dns.address;
    resetEnvForTests();
    try {
      await expect(verifyDomain(t.db, workspace.id, d.id, actor)).resolves.toMatchObject({ status: "verified" });
    } finally {
      delete process.env.DNS_SERVERS;
      resetEnvForTests();
    }
  });

  it("another workspace's domain is NOT_FOUND", async () => {
    const a = await makeWorkspace(t.db);
    const b = await makeWorkspace(t.db);
    const d = await addDomain(t.db, a.workspace.id, newDomain(), actor);
    await expect(verifyDomain(t.db, b.workspace.id, d.id, actor, { servers })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(routeDomain(t.db, b.workspace.id, d.id, null, actor)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(removeDomain(t.db, b.workspace.id, d.id, actor)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(verifyDomain(t.db, b.workspace.id, "not-a-uuid", actor, { servers })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("ownership", () => {
  it("pending claims coexist; the first to verify owns it; the other gets DOMAIN_TAKEN even with a correct record", async () => {
    const a = await makeWorkspace(t.db);
    const b = await makeWorkspace(t.db);
    const c = await makeWorkspace(t.db);
    const name = newDomain();
    const da = await addDomain(t.db, a.workspace.id, name, actor);
    const db2 = await addDomain(t.db, b.workspace.id, name, actor);
    await addDomain(t.db, c.workspace.id, name, actor);
    dns.setTxt(da.record.name, [db2.record.value, da.record.value]);
    await expect(verifyDomain(t.db, b.workspace.id, db2.id, actor, { servers })).resolves.toMatchObject({ status: "verified" });
    const err = await verifyDomain(t.db, a.workspace.id, da.id, actor, { servers }).catch((e) => e);
    expect(err).toMatchObject({ code: "DOMAIN_TAKEN", status: 409 });
    expect(await getDomainByNameOrThrow(t.db, a.workspace.id, name)).toMatchObject({ status: "pending", lastCheckError: "DOMAIN_TAKEN" });
    // The third claim is still there, pending.
    expect((await getDomainByNameOrThrow(t.db, c.workspace.id, name)).status).toBe("pending");
    // Once b removes it, a can verify.
    await removeDomain(t.db, b.workspace.id, db2.id, actor);
    await expect(verifyDomain(t.db, a.workspace.id, da.id, actor, { servers })).resolves.toMatchObject({ status: "verified" });
  });

  it("the database refuses a second owner even when two verifications race", async () => {
    const a = await makeWorkspace(t.db);
    const b = await makeWorkspace(t.db);
    const name = newDomain();
    const da = await addDomain(t.db, a.workspace.id, name, actor);
    const db2 = await addDomain(t.db, b.workspace.id, name, actor);
    dns.setTxt(da.record.name, [da.record.value, db2.record.value]);
    const results = await Promise.allSettled([
      verifyDomain(t.db, a.workspace.id, da.id, actor, { servers }),
      verifyDomain(t.db, b.workspace.id, db2.id, actor, { servers }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(rejected.map((r) => (r.reason as { code: string }).code)).toEqual(["DOMAIN_TAKEN"]);
    const owners = await t.db
      .select()
      .from(domains)
      .where(and(eq(domains.domain, name), eq(domains.status, "verified")));
    expect(owners).toHaveLength(1);
  });
});

describe("routing", () => {
  it("routes a verified domain to an active connection of the same workspace only", async () => {
    const { workspace } = await makeWorkspace(t.db);
    const other = await makeWorkspace(t.db);
    const conn = await makeConnection(t.db, workspace.id);
    const inactive = await makeConnection(t.db, workspace.id, { active: false });
    const foreign = await makeConnection(t.db, other.workspace.id);
    const d = await addDomain(t.db, workspace.id, newDomain(), actor);
    await expect(routeDomain(t.db, workspace.id, d.id, conn.id, actor)).rejects.toMatchObject({ code: "DOMAIN_NOT_VERIFIED" });
    dns.setTxt(d.record.name, [d.record.value]);
    await verifyDomain(t.db, workspace.id, d.id, actor, { servers });
    await expect(routeDomain(t.db, workspace.id, d.id, foreign.id, actor)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(routeDomain(t.db, workspace.id, d.id, inactive.id, actor)).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(routeDomain(t.db, workspace.id, d.id, conn.id, actor)).resolves.toMatchObject({ connectionId: conn.id });
    await expect(routeDomain(t.db, workspace.id, d.id, null, actor)).resolves.toMatchObject({ connectionId: null });
    const actions = await auditActions(workspace.id);
    expect(actions).toEqual(expect.arrayContaining(["domain.added", "domain.verified", "domain.routed", "domain.unrouted"]));
  });
});

describe("periodic re-check", () => {
  it("flags a verified domain whose record disappeared as failing, keeps ownership and routing, restores it when it returns", async () => {
    const a = await makeWorkspace(t.db);
    const b = await makeWorkspace(t.db);
    const conn = await makeConnection(t.db, a.workspace.id);
    const name = newDomain();
    const d = await addDomain(t.db, a.workspace.id, name, actor);
    dns.setTxt(d.record.name, [d.record.value]);
    const t0 = new Date("2031-01-01T00:00:00Z");
    await verifyDomain(t.db, a.workspace.id, d.id, actor, { servers, now: t0 });
    await routeDomain(t.db, a.workspace.id, d.id, conn.id, actor);

    // Not due yet: nothing is checked.
    const queriesBefore = dns.queries.get(d.record.name) ?? 0;
    await recheckVerifiedDomains(t.db, new Date(t0.getTime() + 60_000), { servers, olderThanMs: 3600_000 });
    expect(dns.queries.get(d.record.name) ?? 0).toBe(queriesBefore);
    expect((await getDomainByNameOrThrow(t.db, a.workspace.id, name)).lastCheckedAt?.toISOString()).toBe(t0.toISOString());

    dns.setTxt(d.record.name, null);
    const t1 = new Date(t0.getTime() + 2 * 3600_000);
    const r1 = await recheckVerifiedDomains(t.db, t1, { servers, olderThanMs: 3600_000 });
    expect(r1.failing).toBeGreaterThanOrEqual(1);
    const failing = await getDomainByNameOrThrow(t.db, a.workspace.id, name);
    expect(failing).toMatchObject({ status: "failing", lastCheckError: "DNS_RECORD_MISSING", connectionId: conn.id });
    expect(failing.lastCheckedAt?.toISOString()).toBe(t1.toISOString());
    expect(await auditActions(a.workspace.id)).toContain("domain.failing");

    // A failing domain no longer proves the email domain, but still counts as the workspace's.
    expect(await getSsoDomainPolicy(t.db, a.workspace.id, `x@${name}`)).toEqual({
      emailDomainVerified: false,
      workspaceHasVerifiedDomains: true,
    });

    // Ownership is kept: another workspace still cannot take it.
    const db2 = await addDomain(t.db, b.workspace.id, name, actor);
    dns.setTxt(d.record.name, [db2.record.value]);
    await expect(verifyDomain(t.db, b.workspace.id, db2.id, actor, { servers })).rejects.toMatchObject({ code: "DOMAIN_TAKEN" });

    // The record comes back → verified again on the next re-check.
    dns.setTxt(d.record.name, [d.record.value]);
    const r2 = await recheckVerifiedDomains(t.db, new Date(t1.getTime() + 2 * 3600_000), { servers, olderThanMs: 3600_000 });
    expect(r2.restored).toBeGreaterThanOrEqual(1);
    expect((await getDomainByNameOrThrow(t.db, a.workspace.id, name)).status).toBe("verified");
    expect(await getSsoDomainPolicy(t.db, a.workspace.id, `x@${name.toUpperCase()}`)).toEqual({
      emailDomainVerified: true,
      workspaceHasVerifiedDomains: true,
    });
    expect(await auditActions(a.workspace.id)).toContain("domain.restored");
  });

  it("a DNS error on re-check is recorded but does not flip a verified domain", async () => {
    const { workspace } = await makeWorkspace(t.db);
    const d = await addDomain(t.db, workspace.id, newDomain(), actor);
    dns.setTxt(d.record.name, [d.record.value]);
    const t0 = new Date("2032-01-01T00:00:00Z");
    await verifyDomain(t.db, workspace.id, d.id, actor, { servers, now: t0 });
    dns.setAnswer(d.record.name, { kind: "servfail" });
    await recheckVerifiedDomains(t.db, new Date(t0.getTime() + 2 * 3600_000), { servers, olderThanMs: 3600_000 });
    expect(await getDomainByNameOrThrow(t.db, workspace.id, d.domain)).toMatchObject({ status: "verified", lastCheckError: "DNS_ERROR" });
    dns.setAnswer(d.record.name, null);
  });

  it("a wrong value on manual verify of a verified domain flags it failing", async () => {
    const { workspace } = await makeWorkspace(t.db);
    const d = await addDomain(t.db, workspace.id, newDomain(), actor);
    dns.setTxt(d.record.name, [d.record.value]);
    await verifyDomain(t.db, workspace.id, d.id, actor, { servers });
    dns.setTxt(d.record.name, ["gatehouse-verification=changed"]);
    await expect(verifyDomain(t.db, workspace.id, d.id, actor, { servers })).rejects.toMatchObject({
      code: "DNS_RECORD_MISMATCH",
      detail: { status: "failing" },
    });
  });

  it("instances re-checking at once never check a domain twice", async () => {
    const { workspace } = await makeWorkspace(t.db);
    const d = await addDomain(t.db, workspace.id, newDomain(), actor);
    dns.setTxt(d.record.name, [d.record.value]);
    const t0 = new Date("2033-01-01T00:00:00Z");
    await verifyDomain(t.db, workspace.id, d.id, actor, { servers, now: t0 });
    const before = dns.queries.get(d.record.name) ?? 0;
    const at = new Date(t0.getTime() + 2 * 3600_000);
    await Promise.all([1, 2, 3].map(() => recheckVerifiedDomains(t.db, at, { servers, olderThanMs: 3600_000 })));
    expect((dns.queries.get(d.record.name) ?? 0) - before).toBe(1);
  });
});
