import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { invitations, linkedIdentities, memberships, users } from "@/db/schema";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { hashPassword } from "@/lib/auth/password";
import { inviteMember } from "./invitations";
import { addVerifiedDomain, identity, makeConnection, makeWorkspace, uniq } from "@/lib/testing/fixtures";
import { replaceRoleMappings } from "./role-mapping";
import { previewSsoProvisioning, provisionSsoUser } from "./sso-provisioning";
import { findOrCreateUser, findUserByEmail } from "./users";
import { memberActor } from "./actor";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.close();
});

const now = () => new Date();
const ownerActor = (userId: string) => ({ userId, role: "owner" as const });

async function membershipOf(workspaceId: string, email: string) {
  const u = await findUserByEmail(t.db, email);
  if (!u) return undefined;
  const [m] = await t.db
    .select()
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, u.id)));
  return m;
}

describe("provisionSsoUser: new people (JIT)", () => {
  it("creates the user with names from givenName/surname, an active SSO membership at the mapped role, and links the identity", async () => {
    const { workspace, owner } = await makeWorkspace(t.db);
    const connection = await makeConnection(t.db, workspace.id, { defaultRole: "viewer" });
    await replaceRoleMappings(
      t.db,
      workspace.id,
      connection.id,
      [{ attribute: "groups", value: "eng", role: "editor" }],
      memberActor(owner.id, "owner"),
    );
    const email = `new-${uniq()}@example.test`;
    const r = await provisionSsoUser(t.db, {
      workspace,
      connection,
      identity: identity(email, { groups: ["eng", "all"], givenName: ["Ada"], surname: ["Lovelace"] }),
      now: now(),
    });
    expect(r.userCreated).toBe(true);
    expect(r.role).toBe("editor");
    expect(r.matchedRule).toMatchObject({ attribute: "groups", value: "eng", role: "editor" });
    expect(r.user).toMatchObject({ email, firstName: "Ada", lastName: "Lovelace", name: "Ada Lovelace" });
    expect(r.membership).toMatchObject({ status: "active", source: "sso", connectionId: connection.id, role: "editor" });

    const again = await provisionSsoUser(t.db, { workspace, connection, identity: identity(email, { groups: ["all"] }), now: now() });
    expect(again.userCreated).toBe(false);
    expect(again.user.id).toBe(r.user.id);
    expect(again.role).toBe("editor"); // mapping only at first provisioning by default
    const links = await t.db.select().from(linkedIdentities).where(eq(linkedIdentities.userId, r.user.id));
    expect(links).toHaveLength(1);
  });

  it("uses the connection's default role when no rule matches, and Entra claim URIs for names", async () => {
    const { workspace } = await makeWorkspace(t.db);
    const connection = await makeConnection(t.db, workspace.id, { defaultRole: "editor", idpType: "entra" });
    const email = `entra-${uniq()}@example.test`;
    const r = await provisionSsoUser(t.db, {
      workspace,
      connection,
      identity: identity(email, {
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname": ["Grace"],
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname": ["Hopper"],
      }),
      now: now(),
    });
    expect(r).toMatchObject({ role: "editor", matchedRule: null, roleSource: "default" });
    expect(r.user).toMatchObject({ firstName: "Grace", lastName: "Hopper" });
  });

  it("with JIT off refuses strangers with SAML_USER_NOT_PROVISIONED naming the owner, and creates nothing", async () => {
    const { workspace, owner } = await makeWorkspace(t.db);
    const connection = await makeConnection(t.db, workspace.id, { jitProvisioning: false });
    const email = `stranger-${uniq()}@example.test`;
    const err = await provisionSsoUser(t.db, { workspace, connection, identity: identity(email), now: now() }).catch((e) => e);
    expect(err).toMatchObject({ code: "SAML_USER_NOT_PROVISIONED" });
    expect(err.hint).toContain(owner.email);
    expect(await findUserByEmail(t.db, email)).toBeUndefined();
  });

  it("creates exactly one user, link and membership under concurrent first sign-ins", async () => {
    const { workspace } = await makeWorkspace(t.db);
    const connection = await makeConnection(t.db, workspace.id);
    const email = `race-${uniq()}@example.test`;
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => provisionSsoUser(t.db, { workspace, connection, identity: identity(email), now: now() })),
    );
    const ok = results.filter((r) => r.status === "fulfilled");
    expect(ok).toHaveLength(8);
    const ids = new Set(ok.map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof provisionSsoUser>>>).value.user.id));
    expect(ids.size).toBe(1);
    const [count] = await t.db
      .select({ n: sql<number>`count(*)::int` })
      .from(users)
      .where(sql`lower(${users.email}) = ${email}`);
    expect(Number(count!.n)).toBe(1);
    const ms = await t.db.select().from(memberships).where(eq(memberships.workspaceId, workspace.id));
    expect(ms.filter((m) => m.source === "sso")).toHaveLength(1);
  });
});

describe("provisionSsoUser: invitations", () => {
  it("consumes a pending invitation and keeps the invited role (default role and mapping not applied)", async () => {
    const { workspace, owner } = await makeWorkspace(t.db);
    const connection = await makeConnection(t.db, workspace.id, { defaultRole: "viewer", jitProvisioning: false });
    await replaceRoleMappings(
      t.db,
      workspace.id,
      connection.id,
      [{ attribute: "groups", value: "admins", role: "admin" }],
      memberActor(owner.id, "owner"),
    );
    const email = `invited-${uniq()}@example.test`;
    const { invitation } = await inviteMember(t.db, workspace.id, { email, role: "editor" }, ownerActor(owner.id));
    const r = await provisionSsoUser(t.db, { workspace, connection, identity: identity(email, { groups: ["admins"] }), now: now() });
    expect(r).toMatchObject({ role: "editor", roleSource: "invitation", invitationConsumed: true, matchedRule: null });
    expect(r.membership).toMatchObject({ status: "active", source: "sso", role: "editor" });
    const [inv] = await t.db.select().from(invitations).where(eq(invitations.id, invitation.id));
    expect(inv!.acceptedAt).not.toBeNull();
  });

  it("applies the mapping to an invited person when mapping applies on every sign-in", async () => {
    const { workspace, owner } = await makeWorkspace(t.db);
    const connection = await makeConnection(t.db, workspace.id, { applyMappingEveryLogin: true });
    await replaceRoleMappings(
      t.db,
      workspace.id,
      connection.id,
      [{ attribute: "groups", value: "admins", role: "admin" }],
      memberActor(owner.id, "owner"),
    );
    const email = `invited-${uniq()}@example.test`;
    await inviteMember(t.db, workspace.id, { email, role: "viewer" }, ownerActor(owner.id));
    const r = await provisionSsoUser(t.db, { workspace, connection, identity: identity(email, { groups: ["admins"] }), now: now() });
    expect(r).toMatchObject({ role: "admin", roleSource: "mapping", invitationConsumed: true });
  });

  it("ignores an expired invitation (JIT off → refused)", async () => {
    const { workspace, owner } = await makeWorkspace(t.db);
    const connection = await makeConnection(t.db, workspace.id, { jitProvisioning: false });
    const email = `late-${uniq()}@example.test`;
    await inviteMember(t.db, workspace.id, { email, role: "editor" }, ownerActor(owner.id), new Date(Date.now() - 8 * 24 * 3600 * 1000));
    await expect(provisionSsoUser(t.db, { workspace, connection, identity: identity(email), now: now() })).rejects.toMatchObject({
      code: "SAML_USER_NOT_PROVISIONED",
    });
  });
});

describe("provisionSsoUser: existing accounts and verified domains", () => {
  async function existingAccount(domain: string) {
    const email = `person-${uniq()}@${domain}`;
    const { user } = await findOrCreateUser(t.db, { email, passwordHash: await hashPassword("an existing password") });
    return { email, user };
  }

  it("refuses an existing account when its domain is not verified by this workspace", async () => {
    const { workspace } = await makeWorkspace(t.db);
    const connection = await makeConnection(t.db, workspace.id);
    const { email } = await existingAccount(`unverified-${uniq()}.test`);
    await expect(provisionSsoUser(t.db, { workspace, connection, identity: identity(email), now: now() })).rejects.toMatchObject({
      code: "SAML_ACCOUNT_NOT_LINKABLE",
    });
  });

  it("links an existing account only with a verified domain AND allowAccountLinking", async () => {
    const { workspace, domain } = await makeWorkspace(t.db);
    await addVerifiedDomain(t.db, workspace.id, domain);
    const noLinking = await makeConnection(t.db, workspace.id, { allowAccountLinking: false });
    const linking = await makeConnection(t.db, workspace.id, { allowAccountLinking: true });
    const { email, user } = await existingAccount(domain);
    await expect(provisionSsoUser(t.db, { workspace, connection: noLinking, identity: identity(email), now: now() })).rejects.toMatchObject(
      { code: "SAML_ACCOUNT_NOT_LINKABLE" },
    );
    const r = await provisionSsoUser(t.db, { workspace, connection: linking, identity: identity(email), now: now() });
    expect(r).toMatchObject({ accountLinked: true, userCreated: false });
    expect(r.user.id).toBe(user.id);
    const [link] = await t.db
      .select()
      .from(linkedIdentities)
      .where(and(eq(linkedIdentities.connectionId, linking.id), eq(linkedIdentities.userId, user.id)));
    expect(link).toBeTruthy();
  });

  it("refuses an email outside the verified domains with SAML_EMAIL_OUTSIDE_DOMAINS once a domain is verified (unless the connection opts out)", async () => {
    const { workspace, domain } = await makeWorkspace(t.db);
    const before = await makeConnection(t.db, workspace.id);
    // No verified domain yet: outside emails are JIT-provisioned.
    await provisionSsoUser(t.db, { workspace, connection: before, identity: identity(`early-${uniq()}@elsewhere.test`), now: now() });
    await addVerifiedDomain(t.db, workspace.id, domain);
    await expect(
      provisionSsoUser(t.db, { workspace, connection: before, identity: identity(`outside-${uniq()}@elsewhere.test`), now: now() }),
    ).rejects.toMatchObject({ code: "SAML_EMAIL_OUTSIDE_DOMAINS" });
    const inside = await provisionSsoUser(t.db, {
      workspace,
      connection: before,
      identity: identity(`inside-${uniq()}@${domain}`),
      now: now(),
    });
    expect(inside.userCreated).toBe(true);
    const optOut = await makeConnection(t.db, workspace.id, { requireVerifiedDomains: false });
    const r = await provisionSsoUser(t.db, {
      workspace,
      connection: optOut,
      identity: identity(`contractor-${uniq()}@elsewhere.test`),
      now: now(),
    });
    expect(r.userCreated).toBe(true);
  });

  it("requireVerifiedDomains=true refuses everything while no domain is verified", async () => {
    const { workspace } = await makeWorkspace(t.db);
    const connection = await makeConnection(t.db, workspace.id, { requireVerifiedDomains: true });
    await expect(
      provisionSsoUser(t.db, { workspace, connection, identity: identity(`x-${uniq()}@example.test`), now: now() }),
    ).rejects.toMatchObject({
      code: "SAML_EMAIL_OUTSIDE_DOMAINS",
    });
  });
});

describe("provisionSsoUser: existing members", () => {
  it("with mapping on every sign-in, removal from the group demotes at the next sign-in", async () => {
    const { workspace, owner } = await makeWorkspace(t.db);
    const connection = await makeConnection(t.db, workspace.id, { applyMappingEveryLogin: true, defaultRole: "viewer" });
    await replaceRoleMappings(
      t.db,
      workspace.id,
      connection.id,
      [{ attribute: "groups", value: "admins", role: "admin" }],
      memberActor(owner.id, "owner"),
    );
    const email = `map-${uniq()}@example.test`;
    expect(
      (await provisionSsoUser(t.db, { workspace, connection, identity: identity(email, { groups: ["admins"] }), now: now() })).role,
    ).toBe("admin");
    const r = await provisionSsoUser(t.db, { workspace, connection, identity: identity(email, { groups: [] }), now: now() });
    expect(r).toMatchObject({ role: "viewer", matchedRule: null });
    expect((await membershipOf(workspace.id, email))!.role).toBe("viewer");
  });

  it("without mapping on every sign-in, the role stays after leaving the group", async () => {
    const { workspace, owner } = await makeWorkspace(t.db);
    const connection = await makeConnection(t.db, workspace.id, { applyMappingEveryLogin: false });
    await replaceRoleMappings(
      t.db,
      workspace.id,
      connection.id,
      [{ attribute: "groups", value: "admins", role: "admin" }],
      memberActor(owner.id, "owner"),
    );
    const email = `keep-${uniq()}@example.test`;
    await provisionSsoUser(t.db, { workspace, connection, identity: identity(email, { groups: ["admins"] }), now: now() });
    const r = await provisionSsoUser(t.db, { workspace, connection, identity: identity(email, { groups: [] }), now: now() });
    expect(r.role).toBe("admin");
    expect((await membershipOf(workspace.id, email))!.role).toBe("admin");
  });

  it("never demotes (or promotes) an owner through mapping", async () => {
    const { workspace, owner } = await makeWorkspace(t.db);
    const connection = await makeConnection(t.db, workspace.id, { applyMappingEveryLogin: true });
    const email = `owner2-${uniq()}@example.test`;
    const first = await provisionSsoUser(t.db, { workspace, connection, identity: identity(email), now: now() });
    await t.db.update(memberships).set({ role: "owner" }).where(eq(memberships.id, first.membership.id));
    const r = await provisionSsoUser(t.db, { workspace, connection, identity: identity(email), now: now() });
    expect(r).toMatchObject({ role: "owner", roleSource: "owner" });
    void owner;
  });

  it("syncs the profile on every sign-in only when the connection says so", async () => {
    const { workspace } = await makeWorkspace(t.db);
    const noSync = await makeConnection(t.db, workspace.id, { syncProfileEveryLogin: false });
    const email = `prof-${uniq()}@example.test`;
    await provisionSsoUser(t.db, {
      workspace,
      connection: noSync,
      identity: identity(email, {}, { firstName: "Ann", lastName: "Old" }),
      now: now(),
    });
    const kept = await provisionSsoUser(t.db, {
      workspace,
      connection: noSync,
      identity: identity(email, {}, { firstName: "Ann", lastName: "New" }),
      now: now(),
    });
    expect(kept.user).toMatchObject({ lastName: "Old", name: "Ann Old" });

    const { workspace: w2 } = await makeWorkspace(t.db);
    const sync = await makeConnection(t.db, w2.id, { syncProfileEveryLogin: true });
    const email2 = `prof-${uniq()}@example.test`;
    await provisionSsoUser(t.db, {
      workspace: w2,
      connection: sync,
      identity: identity(email2, {}, { firstName: "Bo", lastName: "Old" }),
      now: now(),
    });
    const synced = await provisionSsoUser(t.db, {
      workspace: w2,
      connection: sync,
      identity: identity(email2, {}, { firstName: "Bo", lastName: "New" }),
      now: now(),
    });
    expect(synced.user).toMatchObject({ lastName: "New", name: "Bo New" });
  });

  it("refuses a disabled membership and a disabled user with SAML_USER_DISABLED", async () => {
    const { workspace } = await makeWorkspace(t.db);
    const connection = await makeConnection(t.db, workspace.id);
    const email = `dis-${uniq()}@example.test`;
    const r = await provisionSsoUser(t.db, { workspace, connection, identity: identity(email), now: now() });
    await t.db.update(memberships).set({ disabled: true }).where(eq(memberships.id, r.membership.id));
    await expect(provisionSsoUser(t.db, { workspace, connection, identity: identity(email), now: now() })).rejects.toMatchObject({
      code: "SAML_USER_DISABLED",
    });
    await t.db.update(memberships).set({ disabled: false }).where(eq(memberships.id, r.membership.id));
    await t.db.update(users).set({ disabled: true }).where(eq(users.id, r.user.id));
    await expect(provisionSsoUser(t.db, { workspace, connection, identity: identity(email), now: now() })).rejects.toMatchObject({
      code: "SAML_USER_DISABLED",
    });
  });
});

describe("previewSsoProvisioning", () => {
  it("reports role, matched rule and outcome without writing anything", async () => {
    const { workspace, owner } = await makeWorkspace(t.db);
    const connection = await makeConnection(t.db, workspace.id);
    await replaceRoleMappings(
      t.db,
      workspace.id,
      connection.id,
      [{ attribute: "appRole", value: "admin", role: "admin" }],
      memberActor(owner.id, "owner"),
    );
    const email = `preview-${uniq()}@example.test`;
    const p = await previewSsoProvisioning(t.db, { workspace, connection, identity: identity(email, { appRole: ["admin"] }), now: now() });
    expect(p).toMatchObject({
      outcome: "create_user",
      membership: "create",
      role: "admin",
      matchedRule: { attribute: "appRole", value: "admin" },
      error: null,
    });
    expect(await findUserByEmail(t.db, email)).toBeUndefined();

    const jitOff = await makeConnection(t.db, workspace.id, { jitProvisioning: false });
    const refused = await previewSsoProvisioning(t.db, { workspace, connection: jitOff, identity: identity(email), now: now() });
    expect(refused).toMatchObject({ outcome: "refuse", error: { code: "SAML_USER_NOT_PROVISIONED" } });
    expect(refused.mapping.role).toBe("viewer");
  });
});
