/**
 * REST /api/v1/workspace/ip-allowlist (issue 14, part 4): owner keys only, inline errors per entry,
 * the self-lock-out confirmation, audit with before/after, and workspace keys bound by the list.
 * Real route handlers on a real database; the client address is the socket address our server records.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as domainsRoute from "@/app/api/v1/domains/route";
import { auditLog } from "@/db/schema";
import { ORGANIZATION_SCOPE_HEADER } from "@/lib/api/request-id";
import { REMOTE_ADDR_HEADER } from "@/lib/http/client-ip";
import { memberActor } from "@/lib/services/actor";
import { createApiKey } from "@/lib/services/api-keys";
import { createOperatorKey } from "@/lib/services/operator-keys";
import { assertNoSecrets, callRoute } from "@/lib/testing/api";
import { addMember, makeApiWorkspace } from "@/lib/testing/fixtures";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { useDbForTests } from "@/server/bootstrap";
import * as route from "./route";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  useDbForTests(t.db);
});
afterAll(async () => {
  await t.close();
});

const PATH = "/api/v1/workspace/ip-allowlist";
const OFFICE_IP = "203.0.113.10";
const from = (ip: string, extra: Record<string, string> = {}) => ({ headers: { [REMOTE_ADDR_HEADER]: ip, ...extra } });

describe("REST /api/v1/workspace/ip-allowlist", () => {
  it("GET shows no list and the caller's address; PUT stores normalised ranges (audited); DELETE clears", async () => {
    const ws = await makeApiWorkspace(t.db);
    const empty = await callRoute(route.GET, "GET", PATH, ws.key, from(OFFICE_IP));
    expect(empty.status).toBe(200);
    expect(empty.json.data).toEqual({
      enabled: false,
      ranges: [],
      exempt_break_glass_owners: false,
      updated_at: null,
      your_address: OFFICE_IP,
      your_address_allowed: true,
    });

    const put = await callRoute(route.PUT, "PUT", PATH, ws.key, {
      ...from(OFFICE_IP),
      body: { ranges: ["203.0.113.0/24", "2001:DB8::/32"], exempt_break_glass_owners: true },
    });
    expect(put.status).toBe(200);
    expect(put.json.data).toMatchObject({
      enabled: true,
      ranges: ["203.0.113.0/24", "2001:db8::/32"],
      exempt_break_glass_owners: true,
      your_address_allowed: true,
    });
    assertNoSecrets(put.text);
    const [changed] = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.workspaceId, ws.id), eq(auditLog.action, "workspace.ip_allowlist_changed")));
    expect(changed).toMatchObject({
      actorApiKeyId: ws.keyId,
      before: { ranges: [], exemptBreakGlassOwners: false },
      after: { ranges: ["203.0.113.0/24", "2001:db8::/32"], exemptBreakGlassOwners: true },
    });

    const del = await callRoute(route.DELETE, "DELETE", PATH, ws.key, from(OFFICE_IP));
    expect(del.status).toBe(200);
    expect(del.json.data).toMatchObject({ enabled: false, ranges: [] });
    const [cleared] = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.workspaceId, ws.id), eq(auditLog.action, "workspace.ip_allowlist_cleared")));
    expect(cleared).toMatchObject({ before: { ranges: ["203.0.113.0/24", "2001:db8::/32"] }, after: { ranges: [] } });
  });

  it("an admin key (not owner) is refused on every method", async () => {
    const ws = await makeApiWorkspace(t.db);
    const { user: admin } = await addMember(t.db, ws.id, { role: "admin" });
    const { secret } = await createApiKey(t.db, ws.id, { name: "admin key" }, memberActor(admin.id, "admin"));
    for (const [h, m] of [
      [route.GET, "GET"],
      [route.PUT, "PUT"],
      [route.DELETE, "DELETE"],
    ] as const) {
      const r = await callRoute(h, m, PATH, secret, { ...from(OFFICE_IP), body: m === "PUT" ? { ranges: ["203.0.113.0/24"] } : undefined });
      expect(r.status).toBe(403);
      expect(r.json.error.code).toBe("FORBIDDEN");
    }
  });

  it("invalid entries: 422 with one field per entry, naming it (nothing stored)", async () => {
    const ws = await makeApiWorkspace(t.db);
    const r = await callRoute(route.PUT, "PUT", PATH, ws.key, {
      ...from(OFFICE_IP),
      body: { ranges: ["203.0.113.0/24", "10.1.2.3/8", "nope"] },
    });
    expect(r.status).toBe(422);
    expect(r.json.error.code).toBe("VALIDATION_FAILED");
    const fields = r.json.error.fields as { path: string; message: string }[];
    expect(fields.map((f) => f.path)).toEqual(["ranges.1", "ranges.2"]);
    expect(fields[0]!.message).toContain("10.1.2.3/8");
    expect(fields[0]!.message).toContain("10.0.0.0/8");
    expect(fields[1]!.message).toContain("nope");
    expect((await callRoute(route.GET, "GET", PATH, ws.key, from(OFFICE_IP))).json.data.ranges).toEqual([]);
  });

  it("self-lock-out: ranges without the caller's address need confirm_lockout = the slug; then this key is cut off too", async () => {
    const ws = await makeApiWorkspace(t.db);
    const body = { ranges: ["198.51.100.0/24"] };
    const refused = await callRoute(route.PUT, "PUT", PATH, ws.key, { ...from(OFFICE_IP), body });
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe("IP_ALLOWLIST_CONFIRMATION_REQUIRED");
    expect(refused.json.error.detail).toMatchObject({ address: OFFICE_IP });
    const wrong = await callRoute(route.PUT, "PUT", PATH, ws.key, { ...from(OFFICE_IP), body: { ...body, confirm_lockout: "please" } });
    expect(wrong.status).toBe(422);
    expect(wrong.json.error.fields[0].path).toBe("confirm_lockout");
    const ok = await callRoute(route.PUT, "PUT", PATH, ws.key, { ...from(OFFICE_IP), body: { ...body, confirm_lockout: ws.slug } });
    expect(ok.status).toBe(200);
    expect(ok.json.data.your_address_allowed).toBe(false);
    // The key's next call from the same address is refused, naming the address and never the ranges.
    const after = await callRoute(route.GET, "GET", PATH, ws.key, from(OFFICE_IP));
    expect(after.status).toBe(403);
    expect(after.json.error.code).toBe("IP_NOT_ALLOWED");
    expect(after.json.error.detail).toMatchObject({ address: OFFICE_IP });
    expect(after.text).not.toContain("198.51.100");
  });
});

describe("workspace API keys are bound by the allowlist; operator keys are not", () => {
  it("a workspace key works inside the ranges (IPv4 and IPv6) and is refused outside, for any route", async () => {
    const ws = await makeApiWorkspace(t.db);
    expect(
      (await callRoute(route.PUT, "PUT", PATH, ws.key, { ...from(OFFICE_IP), body: { ranges: ["203.0.113.0/24", "2001:db8::/32"] } }))
        .status,
    ).toBe(200);
    expect((await callRoute(domainsRoute.GET, "GET", "/api/v1/domains", ws.key, from("203.0.113.200"))).status).toBe(200);
    expect((await callRoute(domainsRoute.GET, "GET", "/api/v1/domains", ws.key, from("2001:db8:aa::1"))).status).toBe(200);
    expect((await callRoute(domainsRoute.GET, "GET", "/api/v1/domains", ws.key, from("::ffff:203.0.113.200"))).status).toBe(200);
    const outside = await callRoute(domainsRoute.GET, "GET", "/api/v1/domains", ws.key, from("2001:db9::1"));
    expect(outside.status).toBe(403);
    expect(outside.json.error.code).toBe("IP_NOT_ALLOWED");
  });

  it("X-Forwarded-For spoofing without TRUST_PROXY is ignored: the socket address decides", async () => {
    const ws = await makeApiWorkspace(t.db);
    await callRoute(route.PUT, "PUT", PATH, ws.key, { ...from(OFFICE_IP), body: { ranges: ["203.0.113.0/24"] } });
    const spoofed = await callRoute(
      domainsRoute.GET,
      "GET",
      "/api/v1/domains",
      ws.key,
      from("192.0.2.44", { "x-forwarded-for": OFFICE_IP }),
    );
    expect(spoofed.status).toBe(403);
    expect(spoofed.json.error.detail).toMatchObject({ address: "192.0.2.44" });
  });

  it("an operator key (the instance's operator) can still clear a list that locked everyone out", async () => {
    const ws = await makeApiWorkspace(t.db);
    await callRoute(route.PUT, "PUT", PATH, ws.key, {
      ...from(OFFICE_IP),
      body: { ranges: ["198.51.100.0/24"], confirm_lockout: ws.slug },
    });
    const { secret } = await createOperatorKey(t.db, { name: "ops" });
    const r = await callRoute(route.DELETE, "DELETE", PATH, secret, from("192.0.2.1", { [ORGANIZATION_SCOPE_HEADER]: ws.id }));
    expect(r.status).toBe(200);
    expect(r.json.data.enabled).toBe(false);
    expect((await callRoute(route.GET, "GET", PATH, ws.key, from(OFFICE_IP))).status).toBe(200);
  });
});
