import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, desc, eq } from "drizzle-orm";
import { invitations, memberships, outbox } from "@/db/schema";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { acceptInvitation, getInvitationByToken, inviteMember, listInvitations, resendInvitation, revokeInvitation } from "./invitations";
import { makeWorkspace, uniq } from "@/lib/testing/fixtures";
import { findOrCreateUser, findUserByEmail } from "./users";
import { openSecret } from "@/lib/crypto/secret-box";
import { signInWithPassword } from "./password-sign-in";
import { getWorkspaceAccess } from "./workspaces";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.close();
});

const tokenOf = (url: string) => url.split("/invite/")[1]!;
const signUp = { firstName: "Ivy", lastName: "Invitee", password: "a long enough password" };

describe("invitations", () => {
  it("invites with an invited membership, a hashed token and an outbox message whose link is sealed, never in clear", async () => {
    const { workspace, owner } = await makeWorkspace(t.db);
    const email = `Inv-${uniq()}@Example.test`;
    const r = await inviteMember(t.db, workspace.id, { email, role: "editor" }, { userId: owner.id, role: "owner" });
    const token = tokenOf(r.inviteUrl);
    expect(r.inviteUrl).toMatch(/^http:\/\/localhost:3999\/invite\/[A-Za-z0-9_-]{43}$/);
    expect(r.invitation.tokenHash).not.toContain(token);
    expect(r.invitation.email).toBe(email.toLowerCase());
    const [m] = await t.db.select().from(memberships).where(eq(memberships.id, r.membershipId));
    expect(m).toMatchObject({ status: "invited", role: "editor" });
    const [mail] = await t.db.select().from(outbox).where(eq(outbox.to, email.toLowerCase())).orderBy(desc(outbox.createdAt));
    // Secrets in clear: neither the link nor its token is stored readable; the mailer opens the sealed link.
    expect(JSON.stringify(mail)).not.toContain(token);
    expect(mail!.body).toContain("{{invite_url}}");
    expect(JSON.parse(openSecret(mail!.secretsEncrypted!))).toEqual({ invite_url: r.inviteUrl });
    expect((await listInvitations(t.db, workspace.id)).map((i) => i.id)).toContain(r.invitation.id);
    // The invited person has no access until they accept.
    const user = await findUserByEmail(t.db, email);
    await expect(getWorkspaceAccess(t.db, user!.id, workspace.slug, "viewer")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("accepts by password sign-up: sets the password and activates the membership at the invited role; single use", async () => {
    const { workspace, owner } = await makeWorkspace(t.db);
    const email = `acc-${uniq()}@example.test`;
    const r = await inviteMember(t.db, workspace.id, { email, role: "admin" }, { userId: owner.id, role: "owner" });
    const token = tokenOf(r.inviteUrl);
    expect((await getInvitationByToken(t.db, token)).mode).toBe("sign_up");
    const accepted = await acceptInvitation(t.db, { token, signUp });
    expect(accepted.role).toBe("admin");
    expect(accepted.user).toMatchObject({ firstName: "Ivy", lastName: "Invitee", name: "Ivy Invitee" });
    expect(await verifyPassword(signUp.password, accepted.user.passwordHash!)).toBe(true);
    const access = await getWorkspaceAccess(t.db, accepted.user.id, workspace.slug, "admin");
    expect(access.membership.status).toBe("active");
    await expect(acceptInvitation(t.db, { token, signUp })).rejects.toMatchObject({ code: "INVITATION_INVALID" });
  });

  it("refuses expired, revoked and unknown links with INVITATION_INVALID; revoking removes the invited membership", async () => {
    const { workspace, owner } = await makeWorkspace(t.db);
    const actor = { userId: owner.id, role: "owner" as const };
    const old = await inviteMember(
      t.db,
      workspace.id,
      { email: `exp-${uniq()}@example.test`, role: "viewer" },
      actor,
      new Date(Date.now() - 8 * 86400_000),
    );
    await expect(getInvitationByToken(t.db, tokenOf(old.inviteUrl))).rejects.toMatchObject({ code: "INVITATION_INVALID" });
    await expect(acceptInvitation(t.db, { token: tokenOf(old.inviteUrl), signUp })).rejects.toMatchObject({ code: "INVITATION_INVALID" });

    const rev = await inviteMember(t.db, workspace.id, { email: `rev-${uniq()}@example.test`, role: "viewer" }, actor);
    await revokeInvitation(t.db, workspace.id, rev.invitation.id, actor);
    await expect(acceptInvitation(t.db, { token: tokenOf(rev.inviteUrl), signUp })).rejects.toMatchObject({ code: "INVITATION_INVALID" });
    expect(await t.db.select().from(memberships).where(eq(memberships.id, rev.membershipId))).toHaveLength(0);
    await expect(revokeInvitation(t.db, workspace.id, rev.invitation.id, actor)).rejects.toMatchObject({ code: "INVITATION_INVALID" });

    await expect(getInvitationByToken(t.db, "no-such-token")).rejects.toMatchObject({ code: "INVITATION_INVALID" });
  });

  it("re-sends with a new token and expiry; the old link stops working", async () => {
    const { workspace, owner } = await makeWorkspace(t.db);
    const actor = { userId: owner.id, role: "owner" as const };
    const first = await inviteMember(
      t.db,
      workspace.id,
      { email: `re-${uniq()}@example.test`, role: "editor" },
      actor,
      new Date(Date.now() - 8 * 86400_000),
    );
    const again = await resendInvitation(t.db, workspace.id, first.invitation.id, actor);
    expect(again.inviteUrl).not.toBe(first.inviteUrl);
    expect(again.invitation.expiresAt.getTime()).toBeGreaterThan(Date.now() + 6 * 86400_000);
    await expect(getInvitationByToken(t.db, tokenOf(first.inviteUrl))).rejects.toMatchObject({ code: "INVITATION_INVALID" });
    const accepted = await acceptInvitation(t.db, { token: tokenOf(again.inviteUrl), signUp });
    expect(accepted.role).toBe("editor");
  });

  it("never sets the password of an existing account: it must sign in as the invited email to accept", async () => {
    const { workspace, owner } = await makeWorkspace(t.db);
    const email = `exist-${uniq()}@example.test`;
    const { user } = await findOrCreateUser(t.db, { email, passwordHash: await hashPassword("original password") });
    const r = await inviteMember(t.db, workspace.id, { email, role: "viewer" }, { userId: owner.id, role: "owner" });
    const token = tokenOf(r.inviteUrl);
    expect((await getInvitationByToken(t.db, token)).mode).toBe("sign_in");
    await expect(acceptInvitation(t.db, { token, signUp })).rejects.toMatchObject({ code: "INVITATION_INVALID" });
    expect(await verifyPassword("original password", (await findUserByEmail(t.db, email))!.passwordHash!)).toBe(true);
    await expect(acceptInvitation(t.db, { token, sessionUserId: owner.id })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(acceptInvitation(t.db, { token })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    const ok = await acceptInvitation(t.db, { token, sessionUserId: user.id });
    expect(ok.workspace.slug).toBe(workspace.slug);
    await getWorkspaceAccess(t.db, user.id, workspace.slug, "viewer");
  });

  it("admins cannot invite admins or owners; active members cannot be invited again; re-inviting replaces the link", async () => {
    const { workspace, owner } = await makeWorkspace(t.db);
    const admin = { userId: null, role: "admin" as const };
    await expect(inviteMember(t.db, workspace.id, { email: `x-${uniq()}@example.test`, role: "admin" }, admin)).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(inviteMember(t.db, workspace.id, { email: `x-${uniq()}@example.test`, role: "owner" }, admin)).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(inviteMember(t.db, workspace.id, { email: owner.email, role: "viewer" }, admin)).rejects.toMatchObject({
      code: "ALREADY_MEMBER",
    });
    await expect(inviteMember(t.db, workspace.id, { email: "not-an-email", role: "viewer" }, admin)).rejects.toMatchObject({
      name: "ZodError",
    });
    const email = `twice-${uniq()}@example.test`;
    const a = await inviteMember(t.db, workspace.id, { email, role: "viewer" }, admin);
    const b = await inviteMember(t.db, workspace.id, { email, role: "editor" }, admin);
    expect(b.membershipId).toBe(a.membershipId);
    await expect(getInvitationByToken(t.db, tokenOf(a.inviteUrl))).rejects.toMatchObject({ code: "INVITATION_INVALID" });
    const open = await t.db
      .select()
      .from(invitations)
      .where(and(eq(invitations.workspaceId, workspace.id), eq(invitations.email, email)));
    expect(open.filter((i) => !i.revokedAt)).toHaveLength(1);
    expect((await acceptInvitation(t.db, { token: tokenOf(b.inviteUrl), signUp })).role).toBe("editor");
  });

  it("invitation squatting: a later invitation from another workspace cannot set the password while the first is open; the first still can", async () => {
    const email = `squat-${uniq()}@example.test`;
    const real = await makeWorkspace(t.db);
    const first = await inviteMember(t.db, real.workspace.id, { email, role: "editor" }, { userId: real.owner.id, role: "owner" });
    // An owner elsewhere invites the same address and opens their own link to set its password.
    const squatter = await makeWorkspace(t.db);
    const later = await inviteMember(t.db, squatter.workspace.id, { email, role: "viewer" }, { userId: squatter.owner.id, role: "owner" });
    expect((await getInvitationByToken(t.db, tokenOf(later.inviteUrl))).mode).toBe("earlier_invitation");
    await expect(
      acceptInvitation(t.db, { token: tokenOf(later.inviteUrl), signUp: { password: "squatter-password-1", firstName: "", lastName: "" } }),
    ).rejects.toMatchObject({ code: "INVITATION_INVALID" });
    expect((await findUserByEmail(t.db, email))?.passwordHash).toBeNull();
    await expect(signInWithPassword(t.db, { email, password: "squatter-password-1", ip: null })).rejects.toMatchObject({
      code: "INVALID_CREDENTIALS",
    });
    // The real invitation did not flip to sign-in mode: its own link still sets the password.
    expect((await getInvitationByToken(t.db, tokenOf(first.inviteUrl))).mode).toBe("sign_up");
    const accepted = await acceptInvitation(t.db, { token: tokenOf(first.inviteUrl), signUp });
    expect(accepted.workspace.id).toBe(real.workspace.id);
    // From then on the later invitation is accepted by signing in as the address.
    expect((await getInvitationByToken(t.db, tokenOf(later.inviteUrl))).mode).toBe("sign_in");
  });
});
