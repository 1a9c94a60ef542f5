import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { useDbForTests } from "@/server/bootstrap";
import { createApiKey } from "@/lib/services/api-keys";
import { startTestDnsServer, type TestDnsServer } from "@/lib/testing/dns-server";
import { makeConnection, makeWorkspace, uniq } from "@/lib/testing/fixtures";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { GET as enforcementGet, PUT as enforcementPut } from "../workspace/enforcement/route";
import { DELETE as deleteRoute, GET as getRoute, PATCH as patchRoute } from "./[id]/route";
import { POST as verifyRoute } from "./[id]/verify/route";
import { GET as listRoute, POST as addRoute } from "./route";
import { memberActor } from "@/lib/services/actor";
import { eq } from "drizzle-orm";
import { domains, workspaces } from "@/db/schema";

let t: TestDb;
let dns: TestDnsServer;
let key: string;
let otherKey: string;
let ws: Awaited<ReturnType<typeof makeWorkspace>>;

beforeAll(async () => {
  t = await createTestDb();
  useDbForTests(t.db);
  dns = await startTestDnsServer();
  process.env.DNS_SERVERS = dns.address;
  resetEnvForTests();
  ws = await makeWorkspace(t.db);
  const other = await makeWorkspace(t.db);
  key = (await createApiKey(t.db, ws.workspace.id, { name: "domains-test" }, memberActor(ws.owner.id, "owner"))).secret;
  otherKey = (await createApiKey(t.db, other.workspace.id, { name: "other" }, memberActor(other.owner.id, "owner"))).secret;
});
afterAll(async () => {
  delete process.env.DNS_SERVERS;
  resetEnvForTests();
  await dns.close();
  await t.close();
});

function req(method: string, path: string, body?: unknown, opts: { key?: string; headers?: Record<string, string> } = {}) {
  return new Request(`http://localhost:3999${path}`, {
    method,
    headers: {
      authorization: `Bearer ${opts.key ?? key}`,
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
      ...opts.headers,
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
}
const params = (id: string) => ({ params: Promise.resolve({ id }) });

describe("/api/v1/domains", () => {
  it("add (201, then 200 for the same claim) → verify (each failure code) → route → list → delete", async () => {
    const domain = `api-${uniq()}.example.com`;
    const created = await addRoute(req("POST", "/api/v1/domains", { domain: `https://${domain.toUpperCase()}/` }));
    expect(created.status).toBe(201);
    const d = (await created.json()).data;
    expect(d).toMatchObject({
      domain,
      status: "pending",
      connection_id: null,
      last_check_error: null,
      verification_record: { type: "TXT", name: `_gatehouse-challenge.${domain}` },
    });
    expect(d.verification_record.value).toMatch(/^gatehouse-verification=/);
    expect(JSON.stringify(d)).not.toMatch(/verification_token|workspace_id/);
    const again = await addRoute(req("POST", "/api/v1/domains", { domain }));
    expect(again.status).toBe(200);
    expect((await again.json()).data.id).toBe(d.id);

    const missing = await verifyRoute(req("POST", `/api/v1/domains/${d.id}/verify`), params(d.id));
    expect(missing.status).toBe(422);
    expect((await missing.json()).error.code).toBe("DNS_RECORD_MISSING");
    dns.setTxt(d.verification_record.name, ["gatehouse-verification=nope"]);
    expect((await (await verifyRoute(req("POST", `/api/v1/domains/${d.id}/verify`), params(d.id))).json()).error.code).toBe(
      "DNS_RECORD_MISMATCH",
    );
    dns.setAnswer(d.verification_record.name, { kind: "servfail" });
    const dnsErr = await verifyRoute(req("POST", `/api/v1/domains/${d.id}/verify`), params(d.id));
    expect(dnsErr.status).toBe(502);
    expect((await dnsErr.json()).error.code).toBe("DNS_ERROR");
    dns.setAnswer(d.verification_record.name, null);
    const stored = (await (await getRoute(req("GET", `/api/v1/domains/${d.id}`), params(d.id))).json()).data;
    expect(stored).toMatchObject({ status: "pending", last_check_error: "DNS_ERROR" });
    expect(stored.last_checked_at).toBeTruthy();

    // Routing before verification is refused.
    const conn = await makeConnection(t.db, ws.workspace.id);
    const early = await patchRoute(req("PATCH", `/api/v1/domains/${d.id}`, { connection_id: conn.id }), params(d.id));
    expect(early.status).toBe(409);
    expect((await early.json()).error.code).toBe("DOMAIN_NOT_VERIFIED");

    dns.setTxt(d.verification_record.name, [d.verification_record.value]);
    const ok = await verifyRoute(req("POST", `/api/v1/domains/${d.id}/verify`), params(d.id));
    expect(ok.status).toBe(200);
    expect((await ok.json()).data).toMatchObject({ status: "verified", last_check_error: null });

    const routed = await patchRoute(req("PATCH", `/api/v1/domains/${d.id}`, { connection_id: conn.id }), params(d.id));
    expect((await routed.json()).data.connection_id).toBe(conn.id);
    const badBody = await patchRoute(req("PATCH", `/api/v1/domains/${d.id}`, { connection_id: "nope" }), params(d.id));
    expect(badBody.status).toBe(422);
    expect((await badBody.json()).error.fields[0].path).toBe("connection_id");

    const list = await (await listRoute(req("GET", "/api/v1/domains"))).json();
    expect(list.data.map((x: { id: string }) => x.id)).toContain(d.id);
    expect(list.meta.next_cursor).toBeNull();

    const del = await deleteRoute(req("DELETE", `/api/v1/domains/${d.id}`), params(d.id));
    expect((await del.json()).data).toEqual({ id: d.id, deleted: true });
    expect((await getRoute(req("GET", `/api/v1/domains/${d.id}`), params(d.id))).status).toBe(404);
  });

  it("invalid domains → 422 with the field; another workspace's domain → 404 everywhere", async () => {
    const bad = await addRoute(req("POST", "/api/v1/domains", { domain: "localhost" }));
    expect(bad.status).toBe(422);
    const body = await bad.json();
    expect(body.error.fields[0].path).toBe("domain");

    const d = (await (await addRoute(req("POST", "/api/v1/domains", { domain: `mine-${uniq()}.example.com` }))).json()).data;
    const o = { key: otherKey };
    expect((await getRoute(req("GET", `/api/v1/domains/${d.id}`, undefined, o), params(d.id))).status).toBe(404);
    expect((await verifyRoute(req("POST", `/api/v1/domains/${d.id}/verify`, undefined, o), params(d.id))).status).toBe(404);
    expect((await patchRoute(req("PATCH", `/api/v1/domains/${d.id}`, { connection_id: null }, o), params(d.id))).status).toBe(404);
    expect((await deleteRoute(req("DELETE", `/api/v1/domains/${d.id}`, undefined, o), params(d.id))).status).toBe(404);
    const theirs = await (await listRoute(req("GET", "/api/v1/domains", undefined, o))).json();
    expect(theirs.data.map((x: { id: string }) => x.id)).not.toContain(d.id);
    expect((await listRoute(new Request("http://localhost:3999/api/v1/domains"))).status).toBe(401);
  });

  it("verifying a domain another workspace verified → 409 DOMAIN_TAKEN", async () => {
    const domain = `taken-${uniq()}.example.com`;
    const mine = (await (await addRoute(req("POST", "/api/v1/domains", { domain }))).json()).data;
    const theirs = (await (await addRoute(req("POST", "/api/v1/domains", { domain }, { key: otherKey }))).json()).data;
    dns.setTxt(mine.verification_record.name, [mine.verification_record.value, theirs.verification_record.value]);
    expect(
      (await verifyRoute(req("POST", `/api/v1/domains/${theirs.id}/verify`, undefined, { key: otherKey }), params(theirs.id))).status,
    ).toBe(200);
    const taken = await verifyRoute(req("POST", `/api/v1/domains/${mine.id}/verify`), params(mine.id));
    expect(taken.status).toBe(409);
    expect((await taken.json()).error.code).toBe("DOMAIN_TAKEN");
  });
});

describe("/api/v1/workspace/enforcement", () => {
  it("GET shows the mode and warnings; PUT without an explicit confirm:true cannot skip lock-out warnings (409); with it, sets the mode", async () => {
    const { workspace, owner } = await makeWorkspace(t.db);
    const k = (await createApiKey(t.db, workspace.id, { name: "enf" }, memberActor(owner.id, "owner"))).secret;
    const get = await (await enforcementGet(req("GET", "/api/v1/workspace/enforcement", undefined, { key: k }))).json();
    expect(get.data).toEqual({ mode: "off", warnings: [] });
    // A lock-out risk: the owner's own domain is verified and routed, owners are not break-glass, and they never used SSO.
    const conn = await makeConnection(t.db, workspace.id);
    await t.db.insert(domains).values({
      workspaceId: workspace.id,
      domain: owner.email.split("@")[1]!,
      verificationToken: "t",
      status: "verified",
      connectionId: conn.id,
    });
    await t.db.update(workspaces).set({ ownersBreakGlass: false }).where(eq(workspaces.id, workspace.id));

    const refused = await enforcementPut(
      req("PUT", "/api/v1/workspace/enforcement", { mode: "verified_domains", confirm: false }, { key: k }),
    );
    expect(refused.status).toBe(409);
    const rb = await refused.json();
    expect(rb.error.code).toBe("ENFORCEMENT_CONFIRMATION_REQUIRED");

    const silent = await enforcementPut(req("PUT", "/api/v1/workspace/enforcement", { mode: "verified_domains" }, { key: k }));
    expect(silent.status).toBe(409);
    expect((await silent.json()).error.code).toBe("ENFORCEMENT_CONFIRMATION_REQUIRED");
    expect((await (await enforcementGet(req("GET", "/api/v1/workspace/enforcement", undefined, { key: k }))).json()).data.mode).toBe("off");

    const put = await enforcementPut(req("PUT", "/api/v1/workspace/enforcement", { mode: "verified_domains", confirm: true }, { key: k }));
    expect(put.status).toBe(200);
    const pb = await put.json();
    expect(pb.data.mode).toBe("verified_domains");
    expect(pb.data.warnings.map((w: { code: string }) => w.code)).toContain("LOCKS_OUT_OWNERS");

    const invalid = await enforcementPut(req("PUT", "/api/v1/workspace/enforcement", { mode: "always" }, { key: k }));
    expect(invalid.status).toBe(422);
    expect((await invalid.json()).error.fields[0].path).toBe("mode");
    expect((await (await enforcementGet(req("GET", "/api/v1/workspace/enforcement", undefined, { key: k }))).json()).data.mode).toBe(
      "verified_domains",
    );
  });
});
