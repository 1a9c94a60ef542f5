import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useDbForTests } from "@/server/bootstrap";
import { createApiKey } from "@/lib/services/api-keys";
import { acceptInvitation, getInvitationByToken, inviteMember } from "@/lib/services/invitations";
import { makeWorkspace } from "@/lib/testing/fixtures";
import { getWorkspaceAccess } from "@/lib/services/workspaces";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { GET as listRoute, POST as inviteRoute } from "./route";
import { DELETE as deleteRoute, GET as getRoute, PATCH as patchRoute } from "./[id]/route";
import { memberActor } from "@/lib/services/actor";

let t: TestDb;
let key: string;
let ws: Awaited<ReturnType<typeof makeWorkspace>>;
let other: Awaited<ReturnType<typeof makeWorkspace>>;

beforeAll(async () => {
  t = await createTestDb();
  useDbForTests(t.db);
  ws = await makeWorkspace(t.db);
  other = await makeWorkspace(t.db);
  key = (await createApiKey(t.db, ws.workspace.id, { name: "members-test" }, memberActor(ws.owner.id, "owner"))).secret;
});
afterAll(async () => {
  await t.close();
});

function req(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  return new Request(`http://localhost:3999${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
}
const params = (id: string) => ({ params: Promise.resolve({ id }) });

/** A key made by an admin of ws (it acts as admin: owner and admin grants are out of its reach). */
let adminKey: string | undefined;
async function asAdmin() {
  if (!adminKey) {
    const { inviteUrl } = await inviteMember(
      t.db,
      ws.workspace.id,
      { email: "admin@members-route.test", role: "admin" },
      memberActor(ws.owner.id, "owner"),
    );
    const token = inviteUrl.split("/invite/")[1]!;
    const { user } = await acceptInvitation(t.db, { token, signUp: { password: "admin password 1", firstName: "", lastName: "" } });
    adminKey = (await createApiKey(t.db, ws.workspace.id, { name: "admin key" }, memberActor(user.id, "admin"))).secret;
  }
  return { authorization: `Bearer ${adminKey}` };
}

describe("/api/v1/members", () => {
  it("invites (201, link once, idempotent), lists with cursor pagination, and never serialises secrets", async () => {
    const body = { email: "API.Invitee@Example.test", role: "editor" };
    const res = await inviteRoute(req("POST", "/api/v1/members", body, { "idempotency-key": "invite-1" }));
    expect(res.status).toBe(201);
    const created = await res.json();
    expect(created.data.member).toMatchObject({ email: "api.invitee@example.test", role: "editor", status: "invited" });
    expect(created.data.invitation).toMatchObject({ status: "pending", role: "editor" });
    const token = created.data.invitation.invite_url.split("/invite/")[1];
    expect((await getInvitationByToken(t.db, token)).workspace.id).toBe(ws.workspace.id);
    expect(JSON.stringify(created)).not.toMatch(/token_?hash|password_?hash|key_?hash/i);

    const retry = await inviteRoute(req("POST", "/api/v1/members", body, { "idempotency-key": "invite-1" }));
    expect((await retry.json()).data.invitation.id).toBe(created.data.invitation.id);

    const page1 = await (await listRoute(req("GET", "/api/v1/members?limit=1"))).json();
    expect(page1.data).toHaveLength(1);
    expect(page1.meta.next_cursor).toBeTruthy();
    const page2 = await (await listRoute(req("GET", `/api/v1/members?limit=1&cursor=${page1.meta.next_cursor}`))).json();
    expect(page2.data).toHaveLength(1);
    expect(page2.meta.next_cursor).toBeNull();
    expect([page1.data[0].email, page2.data[0].email].sort()).toEqual(["api.invitee@example.test", ws.owner.email].sort());
  });

  it("validates bodies (422); an admin's key acts as admin: no admin/owner grants (403)", async () => {
    const bad = await inviteRoute(req("POST", "/api/v1/members", { email: "nope", role: "editor" }));
    expect(bad.status).toBe(422);
    expect((await bad.json()).error.code).toBe("VALIDATION_FAILED");
    const admin = await inviteRoute(req("POST", "/api/v1/members", { email: "boss@example.test", role: "admin" }, await asAdmin()));
    expect(admin.status).toBe(403);
    expect((await admin.json()).error.code).toBe("FORBIDDEN");
    const dup = await inviteRoute(req("POST", "/api/v1/members", { email: ws.owner.email, role: "viewer" }));
    expect((await dup.json()).error.code).toBe("ALREADY_MEMBER");
  });

  it("PATCH changes editor/viewer roles and disables; the owner is out of an admin key's reach; DELETE removes", async () => {
    const invited = await (await inviteRoute(req("POST", "/api/v1/members", { email: "patch@example.test", role: "viewer" }))).json();
    const id = invited.data.member.id;
    const patched = await patchRoute(req("PATCH", `/api/v1/members/${id}`, { role: "editor" }), params(id));
    expect(patched.status).toBe(200);
    expect((await patched.json()).data.role).toBe("editor");
    const disabled = await (await patchRoute(req("PATCH", `/api/v1/members/${id}`, { disabled: true }), params(id))).json();
    expect(disabled.data.disabled).toBe(true);
    expect((await patchRoute(req("PATCH", `/api/v1/members/${id}`, {}), params(id))).status).toBe(422);

    const members = (await (await listRoute(req("GET", "/api/v1/members"))).json()).data as { id: string; role: string }[];
    const owner = members.find((m) => m.role === "owner")!;
    const toOwner = await patchRoute(req("PATCH", `/api/v1/members/${owner.id}`, { role: "viewer" }, await asAdmin()), params(owner.id));
    expect((await toOwner.json()).error.code).toBe("FORBIDDEN");
    expect((await deleteRoute(req("DELETE", `/api/v1/members/${owner.id}`, undefined, await asAdmin()), params(owner.id))).status).toBe(
      403,
    );

    const del = await deleteRoute(req("DELETE", `/api/v1/members/${id}`), params(id));
    expect(await del.json()).toMatchObject({ data: { id, deleted: true } });
    expect((await getRoute(req("GET", `/api/v1/members/${id}`), params(id))).status).toBe(404);
  });

  it("another workspace's member is 404, and a missing key is 401", async () => {
    const access = await getWorkspaceAccess(t.db, other.owner.id, other.workspace.slug, "owner");
    const foreign = access.membership.id;
    for (const res of [
      await getRoute(req("GET", `/api/v1/members/${foreign}`), params(foreign)),
      await patchRoute(req("PATCH", `/api/v1/members/${foreign}`, { role: "viewer" }), params(foreign)),
      await deleteRoute(req("DELETE", `/api/v1/members/${foreign}`), params(foreign)),
      await getRoute(req("GET", `/api/v1/members/not-a-uuid`), params("not-a-uuid")),
    ]) {
      expect(res.status).toBe(404);
      expect((await res.json()).error.code).toBe("NOT_FOUND");
    }
    const anon = await listRoute(new Request("http://localhost:3999/api/v1/members"));
    expect(anon.status).toBe(401);
  });
});
