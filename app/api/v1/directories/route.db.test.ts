import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useDbForTests } from "@/server/bootstrap";
import { callRoute, assertNoSecrets } from "@/lib/testing/api";
import { makeApiWorkspace } from "@/lib/testing/fixtures";
import { scimCall } from "@/lib/testing/scim";
import { addVerifiedDomain } from "@/lib/testing/fixtures";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { GET as listRoute, POST as createRoute } from "./route";
import { DELETE as deleteRoute, GET as getRoute, PATCH as patchRoute } from "./[id]/route";
import { POST as rotateRoute } from "./[id]/token/route";
import { GET as usersRoute } from "./[id]/users/route";
import { GET as groupsRoute } from "./[id]/groups/route";
import { PATCH as groupRoleRoute } from "./[id]/groups/[groupId]/route";
import { GET as requestsRoute } from "./[id]/requests/route";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  useDbForTests(t.db);
});
afterAll(async () => {
  await t.close();
});

describe("/api/v1/directories", () => {
  it("creates (201, token once, snake_case), lists, rotates the token, shows synced users, groups and the request log, maps a group to a role, deletes; another workspace's key sees 404", async () => {
    const ws = await makeApiWorkspace(t.db);
    const other = await makeApiWorkspace(t.db);
    const domain = `${ws.slug}.test`;
    await addVerifiedDomain(t.db, ws.id, domain);
    const created = await callRoute(createRoute, "POST", "/api/v1/directories", ws.key, {
      body: { name: "Okta", kind: "okta", default_role: "editor" },
    });
    expect(created.status).toBe(201);
    const d = created.json.data;
    expect(d).toMatchObject({
      name: "Okta",
      kind: "okta",
      active: true,
      default_role: "editor",
      scim_base_url: `http://localhost:3999/api/scim/v2/${d.id}`,
    });
    expect(d.token).toMatch(/^scim_/);
    const params = { params: { id: d.id } };

    const list = await callRoute(listRoute, "GET", "/api/v1/directories", ws.key);
    expect(list.json.data.map((x: { id: string }) => x.id)).toEqual([d.id]);
    assertNoSecrets(list.text, [d.token]);
    expect((await callRoute(getRoute, "GET", `/api/v1/directories/${d.id}`, other.key, params)).status).toBe(404);
    expect((await callRoute(listRoute, "GET", "/api/v1/directories", other.key)).json.data).toEqual([]);

    const scim = { directory: { id: d.id }, token: d.token as string };
    const u = await scimCall(scim, "POST", "/Users", { userName: `ann@${domain}`, emails: [{ value: `ann@${domain}`, primary: true }] });
    const g = await scimCall(scim, "POST", "/Groups", { displayName: "Admins", members: [{ value: u.json!.id }] });
    const users = await callRoute(usersRoute, "GET", `/api/v1/directories/${d.id}/users`, ws.key, params);
    expect(users.json.data).toMatchObject([{ user_name: `ann@${domain}`, active: true, member: { role: "editor", disabled: false } }]);
    const groups = await callRoute(groupsRoute, "GET", `/api/v1/directories/${d.id}/groups`, ws.key, params);
    expect(groups.json.data).toMatchObject([{ display_name: "Admins", role: null, members: 1 }]);
    const mapped = await callRoute(groupRoleRoute, "PATCH", `/api/v1/directories/${d.id}/groups/${g.json!.id}`, ws.key, {
      body: { role: "admin" },
      params: { id: d.id, groupId: g.json!.id as string },
    });
    expect(mapped.json.data).toMatchObject({ role: "admin" });
    expect((await callRoute(usersRoute, "GET", `/api/v1/directories/${d.id}/users`, ws.key, params)).json.data[0].member.role).toBe(
      "admin",
    );
    const owner = await callRoute(groupRoleRoute, "PATCH", `/api/v1/directories/${d.id}/groups/${g.json!.id}`, ws.key, {
      body: { role: "owner" },
      params: { id: d.id, groupId: g.json!.id as string },
    });
    expect(owner.status).toBe(422);
    const log = await callRoute(requestsRoute, "GET", `/api/v1/directories/${d.id}/requests`, ws.key, params);
    expect(log.json.data.map((r: { method: string; status: number }) => [r.method, r.status])).toEqual([
      ["POST", 201],
      ["POST", 201],
    ]);

    const rotated = await callRoute(rotateRoute, "POST", `/api/v1/directories/${d.id}/token`, ws.key, {
      body: { overlap_minutes: 0 },
      params: { id: d.id },
    });
    expect(rotated.status).toBe(201);
    expect((await scimCall(scim, "GET", "/Users")).status).toBe(401);
    expect((await scimCall({ ...scim, token: rotated.json.data.token }, "GET", "/Users")).status).toBe(200);

    const off = await callRoute(patchRoute, "PATCH", `/api/v1/directories/${d.id}`, ws.key, {
      body: { active: false },
      params: { id: d.id },
    });
    expect(off.json.data.active).toBe(false);
    const bad = await callRoute(patchRoute, "PATCH", `/api/v1/directories/${d.id}`, ws.key, {
      body: { default_role: "owner" },
      params: { id: d.id },
    });
    expect(bad.status).toBe(422);
    expect(bad.json.error.fields).toMatchObject([{ path: "default_role" }]);
    expect((await callRoute(deleteRoute, "DELETE", `/api/v1/directories/${d.id}`, other.key, params)).status).toBe(404);
    expect((await callRoute(deleteRoute, "DELETE", `/api/v1/directories/${d.id}`, ws.key, params)).json.data).toEqual({
      id: d.id,
      deleted: true,
    });
  });
});
