import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, gt, isNull, lt, ne, or, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { invitations, linkedIdentities, memberships, users, workspaces, type Invitation } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { env } from "@/lib/env";
import { hashPassword } from "@/lib/auth/password";
import type { Role } from "@/lib/auth/roles";
import {
  invitationSignUpSchema,
  memberInviteSchema,
  type InvitationDto,
  type InvitationSignUpInput,
  type MemberInviteInput,
} from "@/lib/schemas/members";
import { recordAudit } from "./audit";
import { queueInvitationEmail } from "./email-notifications";
import { assertCanManageMember, lockWorkspaceMembers, type MemberActor } from "./members";
import { assertPasswordSignInAllowed } from "./sso-enforcement";
import { findOrCreateUser, findUserByEmail, findUserById, type User } from "./users";

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

function newToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, tokenHash: hashToken(token) };
}

export function inviteUrl(token: string, appUrl = env().appUrl): string {
  return `${appUrl}/invite/${token}`;
}

export function invitationStatus(i: Invitation, now = new Date()): InvitationDto["status"] {
  if (i.acceptedAt) return "accepted";
  if (i.revokedAt) return "revoked";
  return i.expiresAt.getTime() <= now.getTime() ? "expired" : "pending";
}

/** The invitation email (lib/services/email-notifications.ts): the link stays sealed in the outbox until sent. */
async function writeOutbox(
  db: Db,
  workspaceId: string,
  workspaceName: string,
  email: string,
  role: Role,
  url: string,
  invitedBy: string | null,
) {
  await queueInvitationEmail(db, {
    workspaceId,
    workspaceName,
    email,
    role,
    inviteUrl: url,
    invitedBy,
    expiresInDays: INVITATION_TTL_MS / 86_400_000,
  });
}

async function workspaceName(db: Db, workspaceId: string): Promise<string> {
  const [w] = await db.select({ name: workspaces.name }).from(workspaces).where(eq(workspaces.id, workspaceId));
  if (!w) throw new AppError("NOT_FOUND");
  return w.name;
}

/**
 * Invite a person by email with a role: an `invited` membership plus an invitation holding only the
 * SHA-256 of a random token. The invitation email is queued (sent by the email.deliver job) and the
 * link is also returned once (the console shows it to copy). Re-inviting a still-invited person replaces their invitation.
 */
export async function inviteMember(
  db: Db,
  workspaceId: string,
  input: MemberInviteInput,
  actor: MemberActor,
  now = new Date(),
): Promise<{ invitation: Invitation; inviteUrl: string; membershipId: string }> {
  const data = memberInviteSchema.parse(input);
  assertCanManageMember(actor.role, null, data.role);
  return db.transaction(async (tx) => {
    await lockWorkspaceMembers(tx, workspaceId);
    const name = await workspaceName(tx, workspaceId);
    const { user } = await findOrCreateUser(tx, { email: data.email });
    const [existing] = await tx
      .select()
      .from(memberships)
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, user.id)));
    if (existing?.status === "active") throw new AppError("ALREADY_MEMBER", { detail: { email: data.email } });
    if (existing && existing.role !== data.role) assertCanManageMember(actor.role, existing.role, data.role);
    const [membership] = existing
      ? await tx.update(memberships).set({ role: data.role, updatedAt: now }).where(eq(memberships.id, existing.id)).returning()
      : await tx
          .insert(memberships)
          .values({ workspaceId, userId: user.id, role: data.role, status: "invited", source: "password", invitedBy: actor.userId ?? null })
          .returning();
    await tx
      .update(invitations)
      .set({ revokedAt: now })
      .where(
        and(
          eq(invitations.workspaceId, workspaceId),
          sql`lower(${invitations.email}) = ${data.email}`,
          isNull(invitations.acceptedAt),
          isNull(invitations.revokedAt),
        ),
      );
    const { token, tokenHash } = newToken();
    const [invitation] = await tx
      .insert(invitations)
      .values({
        workspaceId,
        email: data.email,
        role: data.role,
        tokenHash,
        invitedBy: actor.userId ?? null,
        expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
      })
      .returning();
    const url = inviteUrl(token);
    await writeOutbox(tx, workspaceId, name, data.email, data.role, url, actor.userId ?? null);
    await recordAudit(tx, workspaceId, actor, {
      action: "member.invited",
      targetType: "invitation",
      targetId: invitation!.id,
      before: existing ? { role: existing.role, status: existing.status } : null,
      after: { email: data.email, role: data.role, expiresAt: invitation!.expiresAt.toISOString() },
    });
    return { invitation: invitation!, inviteUrl: url, membershipId: membership!.id };
  });
}

/** Invitations not yet accepted or revoked (pending and expired), newest first. */
export async function listInvitations(db: Db, workspaceId: string): Promise<Invitation[]> {
  return db
    .select()
    .from(invitations)
    .where(and(eq(invitations.workspaceId, workspaceId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
    .orderBy(desc(invitations.createdAt));
}

async function getOpenInvitationOrThrow(db: Db, workspaceId: string, invitationId: string): Promise<Invitation> {
  if (!/^[0-9a-f-]{36}$/i.test(invitationId)) throw new AppError("NOT_FOUND");
  const [row] = await db
    .select()
    .from(invitations)
    .where(and(eq(invitations.workspaceId, workspaceId), eq(invitations.id, invitationId)));
  if (!row) throw new AppError("NOT_FOUND");
  if (row.acceptedAt || row.revokedAt) throw new AppError("INVITATION_INVALID");
  return row;
}

/** Revoke: the link stops working and the still-invited membership is removed. */
export async function revokeInvitation(
  db: Db,
  workspaceId: string,
  invitationId: string,
  actor: MemberActor,
  now = new Date(),
): Promise<void> {
  await db.transaction(async (tx) => {
    await lockWorkspaceMembers(tx, workspaceId);
    const inv = await getOpenInvitationOrThrow(tx, workspaceId, invitationId);
    assertCanManageMember(actor.role, inv.role);
    await tx.update(invitations).set({ revokedAt: now }).where(eq(invitations.id, inv.id));
    await tx
      .delete(memberships)
      .where(
        and(
          eq(memberships.workspaceId, workspaceId),
          eq(memberships.status, "invited"),
          sql`${memberships.userId} in (select ${users.id} from ${users} where lower(${users.email}) = lower(${inv.email}))`,
        ),
      );
    await recordAudit(tx, workspaceId, actor, {
      action: "invitation.revoked",
      targetType: "invitation",
      targetId: inv.id,
      before: { email: inv.email, role: inv.role },
      after: null,
    });
  });
}

/** Re-send: a new token and a new expiry; the old link stops working. */
export async function resendInvitation(
  db: Db,
  workspaceId: string,
  invitationId: string,
  actor: MemberActor,
  now = new Date(),
): Promise<{ invitation: Invitation; inviteUrl: string }> {
  return db.transaction(async (tx) => {
    const inv = await getOpenInvitationOrThrow(tx, workspaceId, invitationId);
    assertCanManageMember(actor.role, inv.role);
    const { token, tokenHash } = newToken();
    const [updated] = await tx
      .update(invitations)
      .set({ tokenHash, expiresAt: new Date(now.getTime() + INVITATION_TTL_MS) })
      .where(and(eq(invitations.id, inv.id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
      .returning();
    if (!updated) throw new AppError("INVITATION_INVALID");
    const url = inviteUrl(token);
    await writeOutbox(tx, workspaceId, await workspaceName(tx, workspaceId), inv.email, inv.role, url, actor.userId ?? null);
    await recordAudit(tx, workspaceId, actor, {
      action: "invitation.resent",
      targetType: "invitation",
      targetId: inv.id,
      before: { expiresAt: inv.expiresAt.toISOString() },
      after: { expiresAt: updated.expiresAt.toISOString() },
    });
    return { invitation: updated, inviteUrl: url };
  });
}

export type InvitationView = {
  invitation: Invitation;
  workspace: { id: string; slug: string; name: string };
  /**
   * sign_up: set a password here; sign_in: the account exists, sign in as that email to accept;
   * earlier_invitation: another workspace's invitation for this email came first and is still open —
   * only that one's link may set the password (then sign in and open this link again).
   */
  mode: "sign_up" | "sign_in" | "earlier_invitation";
};

/** A password-less, unlinked account with no active membership elsewhere may be claimed by setting a password. */
async function canSetPassword(db: Db, user: User, workspaceId: string): Promise<boolean> {
  if (user.passwordHash || user.disabled) return false;
  const [link] = await db.select({ id: linkedIdentities.id }).from(linkedIdentities).where(eq(linkedIdentities.userId, user.id)).limit(1);
  if (link) return false;
  const [active] = await db
    .select({ id: memberships.id })
    .from(memberships)
    .where(and(eq(memberships.userId, user.id), ne(memberships.workspaceId, workspaceId), eq(memberships.status, "active")))
    .limit(1);
  return !active;
}

/**
 * Another workspace's invitation for the same email, still open and made before this one. While it
 * exists, only its own link may set the password: a later invitation (e.g. an owner elsewhere who
 * invites the address and opens their own link) cannot squat the account the first one is for.
 */
async function hasEarlierInvitationElsewhere(db: Db, inv: Invitation, now: Date): Promise<boolean> {
  const [row] = await db
    .select({ id: invitations.id })
    .from(invitations)
    .where(
      and(
        sql`lower(${invitations.email}) = lower(${inv.email})`,
        ne(invitations.workspaceId, inv.workspaceId),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, now),
        or(lt(invitations.createdAt, inv.createdAt), and(eq(invitations.createdAt, inv.createdAt), lt(invitations.id, inv.id))),
      ),
    )
    .limit(1);
  return !!row;
}

async function invitationMode(db: Db, inv: Invitation, user: User | undefined, now: Date): Promise<InvitationView["mode"]> {
  if (user && !(await canSetPassword(db, user, inv.workspaceId))) return "sign_in";
  return (await hasEarlierInvitationElsewhere(db, inv, now)) ? "earlier_invitation" : "sign_up";
}

/** The open invitation behind a link, or INVITATION_INVALID (unknown, expired, revoked or used). */
export async function getInvitationByToken(db: Db, token: string, now = new Date()): Promise<InvitationView> {
  if (!token || token.length > 200) throw new AppError("INVITATION_INVALID");
  const [row] = await db
    .select({ invitation: invitations, workspace: { id: workspaces.id, slug: workspaces.slug, name: workspaces.name } })
    .from(invitations)
    .innerJoin(workspaces, eq(workspaces.id, invitations.workspaceId))
    .where(eq(invitations.tokenHash, hashToken(token)));
  if (!row || invitationStatus(row.invitation, now) !== "pending") throw new AppError("INVITATION_INVALID");
  const user = await findUserByEmail(db, row.invitation.email);
  return { ...row, mode: await invitationMode(db, row.invitation, user, now) };
}

/**
 * Accept an invitation. With `signUp` (a password-less account created by the invitation): set the
 * password and names. Otherwise the caller must be signed in as the invited email (`sessionUserId`);
 * an invitation link never sets the password of an existing account. Activates the membership with the
 * invited role; the password path honours SSO enforcement (SSO_REQUIRED rolls everything back).
 */
export async function acceptInvitation(
  db: Db,
  input: { token: string; signUp?: InvitationSignUpInput; sessionUserId?: string | null; ip?: string | null },
  now = new Date(),
): Promise<{ user: User; workspace: { id: string; slug: string; name: string }; role: Role }> {
  return db.transaction(async (tx) => {
    const view = await getInvitationByToken(tx, input.token, now);
    const inv = view.invitation;
    const { user: invited } = await findOrCreateUser(tx, { email: inv.email });
    let user = invited;
    if (input.signUp) {
      if (view.mode === "earlier_invitation")
        throw new AppError("INVITATION_INVALID", {
          message: "Set your password through your first invitation.",
          hint: "This address has an earlier invitation to another workspace that is still open: accept that one first (it sets your password), then sign in and open this link again.",
        });
      if (view.mode !== "sign_up")
        throw new AppError("INVITATION_INVALID", {
          hint: "An account with this email already exists: sign in, then open the invitation link again.",
        });
      const data = invitationSignUpSchema.parse(input.signUp);
      const firstName = data.firstName || null;
      const lastName = data.lastName || null;
      [user] = (await tx
        .update(users)
        .set({
          passwordHash: await hashPassword(data.password),
          passwordUnverified: true,
          firstName,
          lastName,
          name: [firstName, lastName].filter(Boolean).join(" ") || null,
          updatedAt: now,
        })
        .where(and(eq(users.id, invited.id), isNull(users.passwordHash)))
        .returning()) as [User];
      if (!user) throw new AppError("INVITATION_INVALID");
    } else {
      const session = input.sessionUserId ? await findUserById(tx, input.sessionUserId) : undefined;
      if (!session || session.id !== invited.id)
        throw new AppError("UNAUTHORIZED", { hint: `Sign in as ${inv.email}, then open the invitation link again.` });
    }
    const [consumed] = await tx
      .update(invitations)
      .set({ acceptedAt: now })
      .where(and(eq(invitations.id, inv.id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
      .returning({ id: invitations.id });
    if (!consumed) throw new AppError("INVITATION_INVALID");
    // Accepting is a sign-in (the sign-up path signs them in; the other one acts in their session): "Last sign-in" shows it.
    const values = {
      role: inv.role,
      status: "active" as const,
      source: "password" as const,
      connectionId: null,
      updatedAt: now,
      lastLoginAt: now,
    };
    const [existing] = await tx
      .select()
      .from(memberships)
      .where(and(eq(memberships.workspaceId, inv.workspaceId), eq(memberships.userId, user.id)));
    if (existing?.disabled) throw new AppError("INVITATION_INVALID", { hint: "Your membership is disabled; ask a workspace admin." });
    const [membership] = existing
      ? await tx
          .update(memberships)
          .set(existing.status === "active" ? { updatedAt: now, lastLoginAt: now } : values)
          .where(eq(memberships.id, existing.id))
          .returning()
      : await tx
          .insert(memberships)
          .values({ workspaceId: inv.workspaceId, userId: user.id, invitedBy: inv.invitedBy, ...values })
          .returning();
    if (input.signUp) await assertPasswordSignInAllowed(tx, user);
    await recordAudit(
      tx,
      inv.workspaceId,
      { userId: user.id, ip: input.ip ?? null },
      {
        action: "invitation.accepted",
        targetType: "membership",
        targetId: membership!.id,
        before: existing ? { role: existing.role, status: existing.status } : null,
        after: { role: membership!.role, status: "active", email: user.email, via: input.signUp ? "password_sign_up" : "signed_in" },
      },
    );
    return { user, workspace: view.workspace, role: membership!.role };
  });
}
