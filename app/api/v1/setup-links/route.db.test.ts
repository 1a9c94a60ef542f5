import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ORGANIZATION_SCOPE_HEADER } from "@/lib/api/request-id";
import { memberActor } from "@/lib/services/actor";
import { createApiKey } from "@/lib/services/api-keys";
import { createOperatorKey } from "@/lib/services/operator-keys";
import { resolveSetupLinkToken } from "@/lib/services/setup-links";
import { assertNoSecrets, callRoute } from "@/lib/testing/api";
import { addMember, makeWorkspace } from "@/lib/testing/fixtures";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { useDbForTests } from "@/server/bootstrap";
import { POST as revokeRoute } from "./[id]/revoke/route";
import { GET as listRoute, POST as createRoute } from "./route";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  useDbForTests(t.db);
});
afterAll(async () => {
  await t?.close();
});

async function keys() {
  const ws = await makeWorkspace(t.db);
  const owner = memberActor(ws.owner.id, "owner");
  const ownerKey = (await createApiKey(t.db, ws.workspace.id, { name: "owner", role: "owner" }, owner)).secret;
  const adminKey = (await createApiKey(t.db, ws.workspace.id, { name: "admin", role: "admin" }, owner)).secret;
  return { ...ws, ownerKey, adminKey };
}

describe("REST /api/v1/setup-links", () => {
  it("an owner key creates (201, URL once, token only in the fragment), lists (no URL, no token) and revokes", async () => {
    const ws = await keys();
    const created = await callRoute(createRoute, "POST", "/api/v1/setup-links", ws.ownerKey, {
      body: { purpose: "sso", name: "Jo at Acme IT", expires_in_days: 3 },
    });
    expect(created.status).toBe(201);
    const data = created.json.data;
    expect(data).toMatchObject({ purpose: "sso", name: "Jo at Acme IT", status: "active", revoked_at: null, completed_at: null });
    expect(data.url).toMatch(/^http:\/\/localhost:3999\/setup#[A-Za-z0-9_-]{43}$/);
    const token = data.url.split("#")[1];
    expect(Date.parse(data.expires_at) - Date.parse(data.created_at)).toBe(3 * 86_400_000);
    expect((await resolveSetupLinkToken(t.db, token))?.workspace.id).toBe(ws.workspace.id);

    const list = await callRoute(listRoute, "GET", "/api/v1/setup-links", ws.ownerKey);
    expect(list.status).toBe(200);
    expect(list.json.data.map((l: { id: string }) => l.id)).toEqual([data.id]);
    expect(list.text).not.toContain(token);
    expect(list.text).not.toContain("/setup#");
    assertNoSecrets(list.text, [token]);

    const revoked = await callRoute(revokeRoute, "POST", `/api/v1/setup-links/${data.id}/revoke`, ws.ownerKey, { params: { id: data.id } });
    expect(revoked.status).toBe(200);
    expect(revoked.json.data.status).toBe("revoked");
    expect(await resolveSetupLinkToken(t.db, token)).toBeNull();
  });

  it("owner-only: admin keys and keys of admins get 403; over 30 days is refused; another workspace's link is 404", async () => {
    const ws = await keys();
    const admin = await addMember(t.db, ws.workspace.id, { role: "admin" });
    const adminsOwnKey = (await createApiKey(t.db, ws.workspace.id, { name: "a" }, memberActor(admin.user.id, "admin"))).secret;
    for (const k of [ws.adminKey, adminsOwnKey]) {
      expect((await callRoute(createRoute, "POST", "/api/v1/setup-links", k, { body: { purpose: "sso" } })).json.error.code).toBe(
        "FORBIDDEN",
      );
      expect((await callRoute(listRoute, "GET", "/api/v1/setup-links", k)).status).toBe(403);
    }
    const tooLong = await callRoute(createRoute, "POST", "/api/v1/setup-links", ws.ownerKey, {
      body: { purpose: "sso", expires_in_days: 31 },
    });
    expect(tooLong.status).toBe(422);
    expect(tooLong.json.error.code).toBe("VALIDATION_FAILED");
    const badPurpose = await callRoute(createRoute, "POST", "/api/v1/setup-links", ws.ownerKey, { body: { purpose: "members" } });
    expect(badPurpose.json.error.code).toBe("VALIDATION_FAILED");

    const other = await keys();
    const theirs = await callRoute(createRoute, "POST", "/api/v1/setup-links", other.ownerKey, { body: { purpose: "domains" } });
    const id = theirs.json.data.id;
    const cross = await callRoute(revokeRoute, "POST", `/api/v1/setup-links/${id}/revoke`, ws.ownerKey, { params: { id } });
    expect(cross.status).toBe(404);
  });

  it("an operator key manages an organization's setup links under /api/v1/organizations/{id}/setup-links", async () => {
    const ws = await keys();
    const op = (await createOperatorKey(t.db, { name: "backend" })).secret;
    const headers = { [ORGANIZATION_SCOPE_HEADER]: ws.workspace.id };
    const created = await callRoute(createRoute, "POST", `/api/v1/organizations/${ws.workspace.id}/setup-links`, op, {
      headers,
      body: { purpose: "directory" },
    });
    expect(created.status).toBe(201);
    expect(created.json.data.created_by).toBeNull();
    const list = await callRoute(listRoute, "GET", `/api/v1/organizations/${ws.workspace.id}/setup-links`, op, { headers });
    expect(list.json.data.map((l: { id: string }) => l.id)).toEqual([created.json.data.id]);
  });
});
