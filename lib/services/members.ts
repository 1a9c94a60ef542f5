import { and, asc, eq, isNull, ne, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, invitations, memberships, users, workspaces } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { hasRole, type Role } from "@/lib/auth/roles";
import { emitEvent, WEBHOOK_DELIVERY_JOB } from "@/lib/webhooks/emit";
import { recordAudit, type AuditActor } from "./audit";
import { nudgeJob } from "./jobs";
import { endAccess } from "./access-revocation";
import { revokeUserSessions } from "./users";

/** Who performs a member change, with the role they act with (API keys act as admin; the CLI as owner). */
export type MemberActor = AuditActor & { role: Role };

export type MemberRow = {
  id: string;
  userId: string;
  email: string;
  name: string | null;
  role: Role;
  status: "invited" | "active";
  source: "password" | "sso" | "scim";
  connectionId: string | null;
  connectionName: string | null;
  lastLoginAt: Date | null;
  breakGlass: boolean;
  disabled: boolean;
  createdAt: Date;
};

const memberColumns = {
  id: memberships.id,
  userId: users.id,
  email: users.email,
  name: users.name,
  role: memberships.role,
  status: memberships.status,
  source: memberships.source,
  connectionId: memberships.connectionId,
  connectionName: connections.name,
  lastLoginAt: memberships.lastLoginAt,
  breakGlass: memberships.breakGlass,
  disabled: memberships.disabled,
  createdAt: memberships.createdAt,
};

function memberQuery(db: Db) {
  return db
    .select(memberColumns)
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .leftJoin(connections, and(eq(connections.id, memberships.connectionId), eq(connections.workspaceId, memberships.workspaceId)));
}

export async function listMembers(db: Db, workspaceId: string): Promise<MemberRow[]> {
  return memberQuery(db).where(eq(memberships.workspaceId, workspaceId)).orderBy(asc(users.email));
}

/** One page of members ordered by email (cursor = the last row's email and id). */
export async function listMembersPage(
  db: Db,
  workspaceId: string,
  opts: { cursor?: string | null; limit?: number } = {},
): Promise<{ items: MemberRow[]; nextCursor: string | null }> {
  const limit = Math.max(1, Math.min(opts.limit ?? 100, 200));
  let after: { email: string; id: string } | null = null;
  if (opts.cursor) {
    const [email, id] = Buffer.from(opts.cursor, "base64url").toString("utf8").split("\n");
    if (!email || !id || !/^[0-9a-f-]{36}$/i.test(id))
      throw new AppError("VALIDATION_FAILED", {
        message: "Invalid cursor.",
        fields: [{ path: "cursor", message: "Invalid cursor" }],
      });
    after = { email, id };
  }
  const rows = await memberQuery(db)
    .where(
      and(
        eq(memberships.workspaceId, workspaceId),
        after ? sql`(lower(${users.email}), ${memberships.id}) > (${after.email}, ${after.id}::uuid)` : undefined,
      ),
    )
    .orderBy(sql`lower(${users.email})`, asc(memberships.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: rows.length > limit && last ? Buffer.from(`${last.email.toLowerCase()}\n${last.id}`).toString("base64url") : null,
  };
}

export async function getMemberOrThrow(db: Db, workspaceId: string, membershipId: string): Promise<MemberRow> {
  if (!/^[0-9a-f-]{36}$/i.test(membershipId)) throw new AppError("NOT_FOUND");
  const [row] = await memberQuery(db).where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.id, membershipId)));
  if (!row) throw new AppError("NOT_FOUND");
  return row;
}

/**
 * Admins manage editors and viewers; only owners grant or touch admin and owner. Throws FORBIDDEN.
 */
export function assertCanManageMember(actorRole: Role, targetRole: Role | null, newRole?: Role): void {
  if (!hasRole(actorRole, "admin")) throw new AppError("FORBIDDEN");
  const privileged = (r: Role | null | undefined) => r === "owner" || r === "admin";
  if ((privileged(targetRole) || privileged(newRole)) && actorRole !== "owner") {
    throw new AppError("FORBIDDEN", { hint: "Only an owner can grant, change or remove the admin and owner roles." });
  }
}

/** Serialise member changes of one workspace (so two owners cannot demote each other at once). */
export async function lockWorkspaceMembers(db: Db, workspaceId: string): Promise<void> {
  await db.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.id, workspaceId)).for("update");
}

/** Throws LAST_OWNER when no other active, enabled owner would remain. Call under lockWorkspaceMembers. */
export async function assertAnotherOwner(db: Db, workspaceId: string, exceptMembershipId: string): Promise<void> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(memberships)
    .where(
      and(
        eq(memberships.workspaceId, workspaceId),
        eq(memberships.role, "owner"),
        eq(memberships.status, "active"),
        eq(memberships.disabled, false),
        ne(memberships.id, exceptMembershipId),
      ),
    );
  if (!row || Number(row.n) < 1) throw new AppError("LAST_OWNER");
}

export async function changeMemberRole(
  db: Db,
  workspaceId: string,
  membershipId: string,
  role: Role,
  actor: MemberActor,
): Promise<MemberRow> {
  const row = await db.transaction(async (tx) => {
    await lockWorkspaceMembers(tx, workspaceId);
    const target = await getMemberOrThrow(tx, workspaceId, membershipId);
    assertCanManageMember(actor.role, target.role, role);
    if (target.role === role) return target;
    if (target.role === "owner") await assertAnotherOwner(tx, workspaceId, target.id);
    await tx.update(memberships).set({ role, updatedAt: new Date() }).where(eq(memberships.id, target.id));
    if (target.status === "invited") {
      // The invitation carries the role the person gets when they accept.
      await tx
        .update(invitations)
        .set({ role })
        .where(
          and(
            eq(invitations.workspaceId, workspaceId),
            sql`lower(${invitations.email}) = lower(${target.email})`,
            isNull(invitations.acceptedAt),
            isNull(invitations.revokedAt),
          ),
        );
    }
    await recordAudit(tx, workspaceId, actor, {
      action: "member.role_changed",
      targetType: "membership",
      targetId: target.id,
      before: { role: target.role, email: target.email },
      after: { role, email: target.email },
    });
    if (target.status === "active") {
      await emitEvent(tx, {
        workspaceId,
        type: "membership.role_changed",
        data: {
          organization_id: workspaceId,
          user_id: target.userId,
          email: target.email,
          previous_role: target.role,
          role,
          source: "admin",
        },
      });
    }
    return { ...target, role };
  });
  nudgeJob(WEBHOOK_DELIVERY_JOB);
  return row;
}

/**
 * Remove a member. Access ends on their very next request: tenancy checks the membership on every
 * request. Their sessions are revoked (session_version bumped) only when no workspace membership is
 * left, so one workspace's admin never signs a person out of another workspace.
 */
export async function removeMember(
  db: Db,
  workspaceId: string,
  membershipId: string,
  actor: MemberActor,
): Promise<{ sessionsRevoked: boolean }> {
  const result = await db.transaction(async (tx) => {
    await lockWorkspaceMembers(tx, workspaceId);
    const target = await getMemberOrThrow(tx, workspaceId, membershipId);
    assertCanManageMember(actor.role, target.role);
    if (target.role === "owner") await assertAnotherOwner(tx, workspaceId, target.id);
    await tx.delete(memberships).where(eq(memberships.id, target.id));
    await tx
      .update(invitations)
      .set({ revokedAt: new Date() })
      .where(
        and(
          eq(invitations.workspaceId, workspaceId),
          sql`lower(${invitations.email}) = lower(${target.email})`,
          isNull(invitations.acceptedAt),
          isNull(invitations.revokedAt),
        ),
      );
    const [other] = await tx.select({ id: memberships.id }).from(memberships).where(eq(memberships.userId, target.userId)).limit(1);
    const sessionsRevoked = !other;
    await endAccess(tx, { userId: target.userId, workspaceId, reason: "member_removed" });
    if (sessionsRevoked) await revokeUserSessions(tx, target.userId);
    await recordAudit(tx, workspaceId, actor, {
      action: "member.removed",
      targetType: "membership",
      targetId: target.id,
      before: { role: target.role, status: target.status, email: target.email, source: target.source },
      after: { sessionsRevoked },
    });
    if (target.status === "active") {
      await emitEvent(tx, {
        workspaceId,
        type: "membership.removed",
        data: {
          organization_id: workspaceId,
          user_id: target.userId,
          email: target.email,
          role: target.role,
          sessions_revoked: sessionsRevoked,
        },
      });
    }
    return { sessionsRevoked };
  });
  nudgeJob(WEBHOOK_DELIVERY_JOB);
  return result;
}

/** Disable (or re-enable) a membership: a disabled member is refused on every request and at SSO. */
export async function setMemberDisabled(
  db: Db,
  workspaceId: string,
  membershipId: string,
  disabled: boolean,
  actor: MemberActor,
): Promise<MemberRow> {
  const row = await db.transaction(async (tx) => {
    await lockWorkspaceMembers(tx, workspaceId);
    const target = await getMemberOrThrow(tx, workspaceId, membershipId);
    assertCanManageMember(actor.role, target.role);
    if (target.disabled === disabled) return target;
    if (disabled && target.role === "owner") await assertAnotherOwner(tx, workspaceId, target.id);
    await tx.update(memberships).set({ disabled, updatedAt: new Date() }).where(eq(memberships.id, target.id));
    if (disabled) await endAccess(tx, { userId: target.userId, workspaceId, reason: "member_disabled" });
    await recordAudit(tx, workspaceId, actor, {
      action: disabled ? "member.disabled" : "member.enabled",
      targetType: "membership",
      targetId: target.id,
      before: { disabled: target.disabled, email: target.email },
      after: { disabled, email: target.email },
    });
    if (target.status === "active") {
      const who = { organization_id: workspaceId, user_id: target.userId, email: target.email, directory_id: null };
      if (disabled) {
        await emitEvent(tx, { workspaceId, type: "user.deprovisioned", data: { ...who, reason: "disabled", sessions_revoked: false } });
      } else {
        await emitEvent(tx, { workspaceId, type: "user.reactivated", data: who });
      }
    }
    return { ...target, disabled };
  });
  nudgeJob(WEBHOOK_DELIVERY_JOB);
  return row;
}
