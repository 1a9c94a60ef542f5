/**
 * API keys are not owner-level (issue 10, point 4): a key carries at most its creator's role, acts
 * with the lower of that and the creator's current role, has a scope, and invalid keys are limited
 * per IP before any lookup. Real route handlers on a real database.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as connectionsRoute from "@/app/api/v1/connections/route";
import * as connectionRoute from "@/app/api/v1/connections/[id]/route";
import * as mappingsRoute from "@/app/api/v1/connections/[id]/role-mappings/route";
import * as approveRoute from "@/app/api/v1/connections/[id]/trust-approval/route";
import * as domainsRoute from "@/app/api/v1/domains/route";
import * as membersRoute from "@/app/api/v1/members/route";
import * as memberRoute from "@/app/api/v1/members/[id]/route";
import * as enforcementRoute from "@/app/api/v1/workspace/enforcement/route";
import * as tenantRoute from "@/app/api/v1/tenant/saml/route";
import { createDevIdp } from "@/lib/dev-idp";
import { REMOTE_ADDR_HEADER } from "@/lib/http/client-ip";
import { memberActor, OPERATOR } from "@/lib/services/actor";
import { createApiKey } from "@/lib/services/api-keys";
import { acceptInvitation, inviteMember } from "@/lib/services/invitations";
import { changeMemberRole, removeMember, setMemberDisabled } from "@/lib/services/members";
import { getWorkspaceAccess } from "@/lib/services/workspaces";
import { useDbForTests } from "@/server/bootstrap";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { INVALID_KEY_RATE_LIMIT } from "@/lib/api/handler";
import { callRoute } from "@/lib/testing/api";
import { makeApiWorkspace, type ApiTestWorkspace } from "@/lib/testing/fixtures";

let t: TestDb;
let ws: ApiTestWorkspace;
const idp = createDevIdp({ entityId: "https://idp.keyroles.test" });
let n = 0;

beforeAll(async () => {
  t = await createTestDb();
  useDbForTests(t.db);
  ws = await makeApiWorkspace(t.db, { slug: "key-roles" });
});
afterAll(async () => {
  await t.close();
});

/** A member of ws with `role`, made through an owner's invitation, and a key they created. */
async function memberWithKey(role: "admin" | "editor" | "viewer", scope: "read_only" | "read_write" = "read_write") {
  const email = `${role}-${++n}@key-roles.test`;
  const { inviteUrl } = await inviteMember(t.db, ws.id, { email, role }, { userId: ws.ownerId, role: "owner" });
  const { user } = await acceptInvitation(t.db, {
    token: inviteUrl.split("/invite/")[1]!,
    signUp: { password: "member password 1", firstName: "", lastName: "" },
  });
  const { secret } = await createApiKey(t.db, ws.id, { name: `${role} key`, scope }, memberActor(user.id, role));
  const { membership } = await getWorkspaceAccess(t.db, user.id, ws.slug, "viewer");
  return { user, key: secret, membershipId: membership.id };
}

const manual = { entity_id: idp.entityId, sso_url: "https://idp.keyroles.test/sso", certificate_pem: idp.certificatePem };

describe("API key roles and scopes", () => {
  it("an admin's key cannot change SSO enforcement (owner-only), with or without confirm", async () => {
    const admin = await memberWithKey("admin");
    for (const body of [{ mode: "verified_domains" }, { mode: "verified_domains", confirm: true }]) {
      const res = await callRoute(enforcementRoute.PUT, "PUT", "/api/v1/workspace/enforcement", admin.key, { body });
      expect(res.status).toBe(403);
      expect(res.json.error.code).toBe("FORBIDDEN");
    }
    expect((await callRoute(enforcementRoute.GET, "GET", "/x", admin.key)).json.data.mode).toBe("off");
  });

  it("an admin's key cannot add an IdP, change a connection's trust or grant admin through mappings; an owner's key can", async () => {
    const admin = await memberWithKey("admin");
    const create = await callRoute(connectionsRoute.POST, "POST", "/x", admin.key, {
      body: { name: "Mine", slug: "mine-keyroles", manual },
    });
    expect(create.status).toBe(403);
    const tenant = await callRoute(tenantRoute.PUT, "PUT", "/x", admin.key, {
      body: {
        enabled: true,
        entity_id: idp.entityId,
        sso_url: manual.sso_url,
        certificate: idp.certificatePem,
        email_domain: "keyroles.test",
        jit_provisioning: true,
        default_role: "admin",
      },
    });
    expect(tenant.status).toBe(403);

    const owned = await callRoute(connectionsRoute.POST, "POST", "/x", ws.key, { body: { name: "Corp", slug: "corp-keyroles", manual } });
    expect(owned.status).toBe(201);
    const id = owned.json.data.id as string;
    const other = createDevIdp({ entityId: "https://attacker.keyroles.test" });
    const patch = await callRoute(connectionRoute.PATCH, "PATCH", "/x", admin.key, {
      params: { id },
      body: { version: owned.json.data.version, manual: { ...manual, entity_id: other.entityId, certificate_pem: other.certificatePem } },
    });
    expect([patch.status, patch.json.error.code]).toEqual([403, "FORBIDDEN"]);
    const mappings = await callRoute(mappingsRoute.PUT, "PUT", "/x", admin.key, {
      params: { id },
      body: { rules: [{ attribute: "groups", value: "x", role: "admin" }] },
    });
    expect(mappings.status).toBe(403);
    expect(owned.json.data.trust_approval).toMatchObject({ via: "api_key", by_user_id: ws.ownerId });
    const approveByAdmin = await callRoute(approveRoute.POST, "POST", "/x", admin.key, { params: { id } });
    expect(approveByAdmin.status).toBe(403);
    const approveByOwner = await callRoute(approveRoute.POST, "POST", "/x", ws.key, { params: { id } });
    expect([approveByOwner.status, approveByOwner.json.data.trust_approval.via]).toEqual([200, "api_key"]);
    // Plain settings stay an admin's.
    const renamed = await callRoute(connectionRoute.PATCH, "PATCH", "/x", admin.key, {
      params: { id },
      body: { version: approveByOwner.json.data.version, name: "Corp SSO" },
    });
    expect(renamed.status).toBe(200);
  });

  it("a removed or disabled creator's keys stop working at once (401 INVALID_API_KEY)", async () => {
    const removed = await memberWithKey("admin");
    expect((await callRoute(domainsRoute.GET, "GET", "/x", removed.key)).status).toBe(200);
    await removeMember(t.db, ws.id, removed.membershipId, { userId: ws.ownerId, role: "owner" });
    const after = await callRoute(domainsRoute.GET, "GET", "/x", removed.key);
    expect([after.status, after.json.error.code]).toEqual([401, "INVALID_API_KEY"]);

    const disabled = await memberWithKey("admin");
    await setMemberDisabled(t.db, ws.id, disabled.membershipId, true, { userId: ws.ownerId, role: "owner" });
    expect((await callRoute(domainsRoute.GET, "GET", "/x", disabled.key)).json.error.code).toBe("INVALID_API_KEY");
  });

  it("a demoted creator's key acts with the lower role at once (403 FORBIDDEN on what the new role cannot do)", async () => {
    const admin = await memberWithKey("admin");
    const body = { email: `invitee-${++n}@key-roles.test`, role: "viewer" };
    expect((await callRoute(membersRoute.POST, "POST", "/x", admin.key, { body })).status).toBe(201);
    await changeMemberRole(t.db, ws.id, admin.membershipId, "viewer", { userId: ws.ownerId, role: "owner" });
    const res = await callRoute(membersRoute.POST, "POST", "/x", admin.key, { body: { ...body, email: `invitee-${++n}@key-roles.test` } });
    expect([res.status, res.json.error.code]).toEqual([403, "FORBIDDEN"]);
    expect(res.json.error.detail).toMatchObject({ requiredRole: "admin", role: "viewer" });
    expect((await callRoute(membersRoute.GET, "GET", "/x", admin.key)).status).toBe(200); // reading is still a viewer's
  });

  it("a read-only key gets FORBIDDEN on every non-GET", async () => {
    const reader = await memberWithKey("admin", "read_only");
    expect((await callRoute(domainsRoute.GET, "GET", "/x", reader.key)).status).toBe(200);
    for (const [handler, method, opts] of [
      [domainsRoute.POST, "POST", { body: { domain: "readonly.test" } }],
      [membersRoute.POST, "POST", { body: { email: "ro@key-roles.test", role: "viewer" } }],
      [memberRoute.DELETE, "DELETE", { params: { id: reader.membershipId } }],
      [enforcementRoute.PUT, "PUT", { body: { mode: "off", confirm: true } }],
    ] as const) {
      const res = await callRoute(handler, method, "/x", reader.key, opts);
      expect([method, res.status, res.json.error.code]).toEqual([method, 403, "FORBIDDEN"]);
    }
  });

  it("a key never carries more than its creator's role; operator keys are admin unless made as owner", async () => {
    const admin = await memberWithKey("admin");
    await expect(createApiKey(t.db, ws.id, { name: "escalate", role: "owner" }, memberActor(admin.user.id, "admin"))).rejects.toMatchObject(
      {
        code: "FORBIDDEN",
      },
    );
    await expect(createApiKey(t.db, ws.id, { name: "viewer's" }, memberActor(admin.user.id, "viewer"))).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    const op = await createApiKey(t.db, ws.id, { name: "ci" }, OPERATOR);
    expect(op.apiKey).toMatchObject({ role: "admin", scope: "read_write", createdBy: null });
    const put = await callRoute(enforcementRoute.PUT, "PUT", "/x", op.secret, { body: { mode: "off", confirm: true } });
    expect(put.status).toBe(403);
    const opOwner = await createApiKey(t.db, ws.id, { name: "terraform", role: "owner" }, OPERATOR);
    expect((await callRoute(enforcementRoute.PUT, "PUT", "/x", opOwner.secret, { body: { mode: "off", confirm: true } })).status).toBe(200);
  });

  it("invalid keys from one IP get 429 with Retry-After, before any key lookup; other IPs are unaffected", async () => {
    const ip = "198.51.100.201";
    const headers = { [REMOTE_ADDR_HEADER]: ip };
    const bad = `gh_live_${"A".repeat(43)}`;
    for (let i = 0; i < INVALID_KEY_RATE_LIMIT.limit; i++) {
      expect((await callRoute(domainsRoute.GET, "GET", "/x", bad, { headers })).status).toBe(401);
    }
    const limited = await callRoute(domainsRoute.GET, "GET", "/x", bad, { headers });
    expect([limited.status, limited.json.error.code]).toEqual([429, "RATE_LIMITED"]);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // Even a valid key from that IP waits (the limit is checked before the key is looked at).
    expect((await callRoute(domainsRoute.GET, "GET", "/x", ws.key, { headers })).status).toBe(429);
    expect((await callRoute(domainsRoute.GET, "GET", "/x", ws.key, { headers: { [REMOTE_ADDR_HEADER]: "198.51.100.202" } })).status).toBe(
      200,
    );
  });
});
