import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ORGANIZATION_SCOPE_HEADER } from "@/lib/api/request-id";
import { createOperatorKey } from "@/lib/services/operator-keys";
import { assertNoSecrets, callRoute } from "@/lib/testing/api";
import { makeApiWorkspace, uniq } from "@/lib/testing/fixtures";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { useDbForTests } from "@/server/bootstrap";
import { proxy } from "@/proxy";
import { GET as listConnections, POST as createConnectionRoute } from "../connections/route";
import { GET as listMembers } from "../members/route";
import { DELETE as deleteOrg, GET as getOrg, PATCH as patchOrg } from "./[id]/route";
import { GET as listOrgs, POST as createOrg } from "./route";

/**
 * The instance-level management API: operator keys create and manage organizations, and reach any
 * organization's resources under /api/v1/organizations/{id}/… (proxy.ts rewrites that path to the
 * workspace route with the organization in an internal header). Workspace keys never get there.
 */
let t: TestDb;
let operatorKey: string;
let workspaceKey: Awaited<ReturnType<typeof makeApiWorkspace>>;

beforeAll(async () => {
  t = await createTestDb();
  useDbForTests(t.db);
  operatorKey = (await createOperatorKey(t.db, { name: "backend" })).secret;
  workspaceKey = await makeApiWorkspace(t.db);
});
afterAll(async () => {
  await t.close();
});

const scoped = (org: string) => ({ headers: { [ORGANIZATION_SCOPE_HEADER]: org } });

describe("/api/v1/organizations (operator keys)", () => {
  it("create with external_id and an owner, find by external_id, get, patch, delete; same envelope and request ids", async () => {
    const s = uniq();
    const created = await callRoute(createOrg, "POST", "/api/v1/organizations", operatorKey, {
      body: { name: "Acme", slug: `acme-${s}`, external_id: `tenant_${s}`, owner_email: `boss@acme-${s}.test` },
      headers: { "idempotency-key": `create-${s}` },
    });
    expect(created.status).toBe(201);
    expect(created.json.data).toMatchObject({ slug: `acme-${s}`, external_id: `tenant_${s}`, sso_enforcement: "off" });
    expect(created.json.meta.request_id).toBe(created.headers.get("x-request-id"));
    const id = created.json.data.id as string;
    // A retry with the same Idempotency-Key returns the first answer.
    const replay = await callRoute(createOrg, "POST", "/api/v1/organizations", operatorKey, {
      body: { name: "Acme", slug: `acme-${s}`, external_id: `tenant_${s}`, owner_email: `boss@acme-${s}.test` },
      headers: { "idempotency-key": `create-${s}` },
    });
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.json.data.id).toBe(id);

    const taken = await callRoute(createOrg, "POST", "/api/v1/organizations", operatorKey, { body: { name: "Again", slug: `acme-${s}` } });
    expect(taken.json.error).toMatchObject({ code: "SLUG_TAKEN", fields: [{ path: "slug" }] });
    const invalid = await callRoute(createOrg, "POST", "/api/v1/organizations", operatorKey, {
      body: { name: "", slug: "X Y", owner_email: "nope" },
    });
    expect(invalid.status).toBe(422);
    expect(invalid.json.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(["name", "owner_email", "slug"]);

    const found = await callRoute(listOrgs, "GET", `/api/v1/organizations?external_id=tenant_${s}`, operatorKey);
    expect(found.json.data.map((o: { id: string }) => o.id)).toEqual([id]);
    expect(found.json.meta).toHaveProperty("next_cursor", null);
    expect((await callRoute(getOrg, "GET", `/api/v1/organizations/${id}`, operatorKey, { params: { id } })).json.data.name).toBe("Acme");
    const patched = await callRoute(patchOrg, "PATCH", `/api/v1/organizations/${id}`, operatorKey, {
      params: { id },
      body: { name: "Acme Inc" },
    });
    expect(patched.json.data).toMatchObject({ name: "Acme Inc", external_id: `tenant_${s}` });

    // The organization's own resources, as its owner.
    const members = await callRoute(listMembers, "GET", "/api/v1/members", operatorKey, scoped(id));
    expect(members.status).toBe(200);
    expect(members.json.data.map((m: { email: string; role: string }) => [m.email, m.role])).toEqual([[`boss@acme-${s}.test`, "owner"]]);
    const conn = await callRoute(createConnectionRoute, "POST", "/api/v1/connections", operatorKey, {
      ...scoped(id),
      body: { name: "Okta", slug: `okta-${s}`, idp_type: "okta" },
    });
    expect(conn.status).toBe(201);
    expect((await callRoute(listConnections, "GET", "/api/v1/connections", operatorKey, scoped(id))).json.data).toHaveLength(1);
    // The workspace key of another workspace does not see it.
    expect((await callRoute(listConnections, "GET", "/api/v1/connections", workspaceKey.key)).json.data).toHaveLength(0);

    const deleted = await callRoute(deleteOrg, "DELETE", `/api/v1/organizations/${id}`, operatorKey, { params: { id } });
    expect(deleted.json.data).toEqual({ id, deleted: true });
    expect((await callRoute(getOrg, "GET", `/api/v1/organizations/${id}`, operatorKey, { params: { id } })).status).toBe(404);
    expect((await callRoute(listMembers, "GET", "/api/v1/members", operatorKey, scoped(id))).status).toBe(404);
  });

  it("lists with a cursor", async () => {
    for (let i = 0; i < 3; i++)
      await callRoute(createOrg, "POST", "/api/v1/organizations", operatorKey, { body: { name: `P${i}`, slug: `page-${uniq()}` } });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await callRoute(listOrgs, "GET", `/api/v1/organizations?limit=2${cursor ? `&cursor=${cursor}` : ""}`, operatorKey);
      expect(page.json.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.json.data.map((o: { id: string }) => o.id));
      cursor = page.json.meta.next_cursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(4);
  });

  it("a workspace key never reaches the instance level nor another organization; an operator key always names its organization", async () => {
    const wk = workspaceKey.key;
    for (const [handler, method] of [
      [listOrgs, "GET"],
      [createOrg, "POST"],
    ] as const) {
      const r = await callRoute(handler, method, "/api/v1/organizations", wk, {
        body: method === "POST" ? { name: "x", slug: `x-${uniq()}` } : undefined,
      });
      expect(r.status).toBe(403);
      expect(r.json.error.code).toBe("OPERATOR_KEY_REQUIRED");
    }
    // The organization path with a workspace key (even its own workspace).
    const own = await callRoute(listConnections, "GET", "/api/v1/connections", wk, scoped(workspaceKey.id));
    expect(own.json.error.code).toBe("OPERATOR_KEY_REQUIRED");
    // An operator key on a workspace route without an organization.
    expect((await callRoute(listConnections, "GET", "/api/v1/connections", operatorKey)).json.error.code).toBe("ORGANIZATION_REQUIRED");
    expect((await callRoute(listConnections, "GET", "/api/v1/connections", operatorKey, scoped("not-a-uuid"))).status).toBe(404);
    // Keys that are no keys.
    for (const bad of [null, "gh_op_nope", `gh_op_${"x".repeat(43)}`, `gh_live_${"x".repeat(43)}`]) {
      expect((await callRoute(listOrgs, "GET", "/api/v1/organizations", bad)).json.error.code, String(bad)).toBe("INVALID_API_KEY");
    }
    assertNoSecrets((await callRoute(listOrgs, "GET", "/api/v1/organizations", operatorKey)).text);
  });
});

describe("proxy.ts: the organization path", () => {
  it("rewrites /api/v1/organizations/{id}/… to the workspace route with the internal header, and drops any incoming copy", () => {
    const r = proxy(
      new NextRequest("http://localhost:3999/api/v1/organizations/11111111-2222-4333-8444-555555555555/connections/abc/sp-keys?x=1"),
    );
    expect(r.headers.get("x-middleware-rewrite")).toBe("http://localhost:3999/api/v1/connections/abc/sp-keys?x=1");
    expect(r.headers.get(`x-middleware-request-${ORGANIZATION_SCOPE_HEADER}`)).toBe("11111111-2222-4333-8444-555555555555");
    const forged = proxy(new NextRequest("http://localhost:3999/api/v1/connections", { headers: { [ORGANIZATION_SCOPE_HEADER]: "x" } }));
    expect(forged.headers.get("x-middleware-rewrite")).toBeNull();
    const overrides = forged.headers.get("x-middleware-override-headers") ?? "";
    expect(overrides.split(",")).not.toContain(ORGANIZATION_SCOPE_HEADER);
    expect(forged.headers.get(`x-middleware-request-${ORGANIZATION_SCOPE_HEADER}`)).toBeNull();
    // The organization itself is the instance route (no rewrite).
    expect(proxy(new NextRequest("http://localhost:3999/api/v1/organizations/abc")).headers.get("x-middleware-rewrite")).toBeNull();
  });
});
