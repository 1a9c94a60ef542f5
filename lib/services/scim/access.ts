import { and, eq, isNotNull, isNull, ne, sql } from "drizzle-orm";
import type { Db } from "@/db";
import {
  directoryGroupMembers,
  directoryGroups,
  directoryUsers,
  invitations,
  memberships,
  type Directory,
  type DirectoryUser,
} from "@/db/schema";
import { AppError, isAppError } from "@/lib/errors";
import type { Role } from "@/lib/auth/roles";
import { emitEvent } from "@/lib/webhooks/emit";
import { endAccess } from "../access-revocation";
import { recordAudit } from "../audit";
import { getSsoDomainPolicy } from "../domain-policy";
import { assertAnotherOwner, lockWorkspaceMembers } from "../members";
import { resolveRole } from "../role-mapping";

export type DeprovisionReason = "scim_deactivated" | "scim_deleted" | "scim_group_removed";

export type AccessOptions = {
  now: Date;
  ip: string | null;
  /** The directory deletes the user (DELETE /Users/{id}). */
  deleted?: boolean;
  /** Re-applying a whole directory: the last owner is left enabled (and audited) instead of failing everything. */
  lastOwner?: "refuse" | "keep";
};

type Membership = typeof memberships.$inferSelect;

/** Groups of this directory user that are mapped to a role. */
async function mappedGroupsOf(db: Db, directoryUserId: string) {
  return db
    .select({ id: directoryGroups.id, role: directoryGroups.role })
    .from(directoryGroupMembers)
    .innerJoin(directoryGroups, eq(directoryGroups.id, directoryGroupMembers.groupId))
    .where(and(eq(directoryGroupMembers.directoryUserId, directoryUserId), isNotNull(directoryGroups.role)));
}

async function directoryHasRoleRules(db: Db, directoryId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: directoryGroups.id })
    .from(directoryGroups)
    .where(and(eq(directoryGroups.directoryId, directoryId), isNotNull(directoryGroups.role)))
    .limit(1);
  return !!row;
}

/** Does the person keep another active, enabled membership (then their sessions stay: other workspaces are not ours to end)? */
async function hasOtherActiveMembership(db: Db, userId: string, workspaceId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: memberships.id })
    .from(memberships)
    .where(
      and(
        eq(memberships.userId, userId),
        ne(memberships.workspaceId, workspaceId),
        eq(memberships.status, "active"),
        eq(memberships.disabled, false),
      ),
    )
    .limit(1);
  return !!row;
}

/**
 * Bring a provisioned person's membership in line with what the directory says: access (the SCIM
 * `active` flag, deletion, and — when the directory gives access by group — membership of a group
 * mapped to a role) and role (group → role rules with the SSO rule semantics: the highest wins, owner
 * is never granted and an owner's role is never changed). Runs in the caller's transaction, so the
 * membership change, the ended access, the audit entry and the webhook event commit together.
 *
 * Deprovisioning goes through endAccess (reason "deprovisioned"); every Gatehouse session of the
 * person ends when this was their last active membership. The last owner is never disabled: that
 * throws SCIM_LAST_OWNER (the caller answers the IdP and audits the refusal).
 */
export async function applyDirectoryUserAccess(db: Db, dir: Directory, du: DirectoryUser, opts: AccessOptions): Promise<void> {
  const workspaceId = dir.workspaceId;
  const actor = { userId: null, ip: opts.ip };
  const [m] = await db
    .select()
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, du.userId)))
    .for("update");
  const mapped = await mappedGroupsOf(db, du.id);
  const enabled = !opts.deleted && du.active && (!dir.deprovisionOutsideMappedGroups || mapped.length > 0);
  const reason: DeprovisionReason = opts.deleted ? "scim_deleted" : !du.active ? "scim_deactivated" : "scim_group_removed";
  let role: Role;
  if (m?.role === "owner") role = "owner";
  else if (await directoryHasRoleRules(db, dir.id)) {
    role = resolveRole(
      mapped.map((g) => ({ attribute: "group", value: g.id, role: g.role! })),
      { group: mapped.map((g) => g.id) },
      dir.defaultRole,
    ).role;
  } else role = m?.role ?? dir.defaultRole;
  const who = { organization_id: workspaceId, user_id: du.userId, email: du.email };

  const assertDomainStillOurs = async () => {
    if (!(await getSsoDomainPolicy(db, workspaceId, du.email)).emailDomainVerified) {
      throw new AppError("SCIM_EMAIL_OUTSIDE_DOMAINS", { detail: { email: du.email, domain: du.email.split("@")[1] ?? null } });
    }
  };

  if (!m || m.status === "invited") {
    if (!enabled) return; // nothing to take away
    await assertDomainStillOurs();
    const values = {
      role,
      status: "active" as const,
      source: "scim" as const,
      disabled: false,
      connectionId: dir.connectionId,
      updatedAt: opts.now,
    };
    let membership: Membership;
    if (m) {
      [membership] = (await db.update(memberships).set(values).where(eq(memberships.id, m.id)).returning()) as [Membership];
      await db
        .update(invitations)
        .set({ acceptedAt: opts.now })
        .where(
          and(
            eq(invitations.workspaceId, workspaceId),
            sql`lower(${invitations.email}) = lower(${du.email})`,
            isNull(invitations.acceptedAt),
            isNull(invitations.revokedAt),
          ),
        );
    } else {
      [membership] = (await db
        .insert(memberships)
        .values({ workspaceId, userId: du.userId, ...values, createdAt: opts.now })
        .returning()) as [Membership];
    }
    await recordAudit(db, workspaceId, actor, {
      action: "member.provisioned",
      targetType: "membership",
      targetId: membership.id,
      before: m ? { role: m.role, status: m.status } : null,
      after: { role, status: "active", source: "scim", email: du.email, directoryId: dir.id },
    });
    await emitEvent(db, {
      workspaceId,
      type: "user.created",
      data: {
        ...who,
        name: du.displayName ?? ([du.givenName, du.familyName].filter(Boolean).join(" ") || null),
        role,
        source: "scim",
        directory_id: dir.id,
        connection_id: dir.connectionId,
      },
      at: opts.now,
    });
    return;
  }

  if (!m.disabled && !enabled) {
    if (m.role === "owner") {
      await lockWorkspaceMembers(db, workspaceId);
      try {
        await assertAnotherOwner(db, workspaceId, m.id);
      } catch (e) {
        if (!isAppError(e) || e.code !== "LAST_OWNER") throw e;
        if (opts.lastOwner === "keep") {
          await recordAudit(db, workspaceId, actor, {
            action: "member.deprovision_refused",
            targetType: "membership",
            targetId: m.id,
            after: { reason, email: du.email, directoryId: dir.id, why: "last_owner" },
          });
          return;
        }
        throw new AppError("SCIM_LAST_OWNER", { detail: { email: du.email, reason } });
      }
    }
    await db.update(memberships).set({ disabled: true, source: "scim", updatedAt: opts.now }).where(eq(memberships.id, m.id));
    await endAccess(db, { userId: du.userId, workspaceId, reason: "deprovisioned" });
    const sessionsRevoked = !(await hasOtherActiveMembership(db, du.userId, workspaceId));
    if (sessionsRevoked) await endAccess(db, { userId: du.userId, workspaceId: null, reason: "deprovisioned" });
    await recordAudit(db, workspaceId, actor, {
      action: "member.deprovisioned",
      targetType: "membership",
      targetId: m.id,
      before: { disabled: false, role: m.role, email: du.email },
      after: { disabled: true, reason, directoryId: dir.id, sessionsRevoked },
    });
    await emitEvent(db, {
      workspaceId,
      type: "user.deprovisioned",
      data: { ...who, reason, directory_id: dir.id, sessions_revoked: sessionsRevoked },
      at: opts.now,
    });
  } else if (m.disabled && enabled) {
    await assertDomainStillOurs();
    await db.update(memberships).set({ disabled: false, source: "scim", updatedAt: opts.now }).where(eq(memberships.id, m.id));
    await recordAudit(db, workspaceId, actor, {
      action: "member.reactivated",
      targetType: "membership",
      targetId: m.id,
      before: { disabled: true, email: du.email },
      after: { disabled: false, directoryId: dir.id },
    });
    await emitEvent(db, { workspaceId, type: "user.reactivated", data: { ...who, directory_id: dir.id }, at: opts.now });
  } else if (m.source !== "scim") {
    // The directory manages this member from now on.
    await db.update(memberships).set({ source: "scim", updatedAt: opts.now }).where(eq(memberships.id, m.id));
  }

  if (m.role !== role && role !== "owner") {
    await db.update(memberships).set({ role, updatedAt: opts.now }).where(eq(memberships.id, m.id));
    await recordAudit(db, workspaceId, actor, {
      action: "member.role_changed",
      targetType: "membership",
      targetId: m.id,
      before: { role: m.role, email: du.email },
      after: { role, email: du.email, source: "scim", directoryId: dir.id },
    });
    await emitEvent(db, {
      workspaceId,
      type: "membership.role_changed",
      data: { ...who, previous_role: m.role, role, source: "scim" },
      at: opts.now,
    });
  }
}

/** Re-apply access and role for every person of the directory (after its settings or a group's role changed). */
export async function resyncDirectoryAccess(db: Db, dir: Directory, opts: { now: Date; ip: string | null }): Promise<void> {
  const rows = await db.select().from(directoryUsers).where(eq(directoryUsers.directoryId, dir.id)).orderBy(directoryUsers.createdAt);
  for (const du of rows) await applyDirectoryUserAccess(db, dir, du, { ...opts, lastOwner: "keep" });
}
