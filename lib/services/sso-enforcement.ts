import { and, eq, ne } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, domains, memberships, workspaces } from "@/db/schema";
import { emailDomain } from "@/lib/domains/normalize";
import { AppError } from "@/lib/errors";
import { ENFORCEMENT_MODES, type EnforcementMode, type EnforcementWarning } from "@/lib/schemas/domains";
import { recordAudit, type AuditActor } from "./audit";
import { queueSsoEnforcedEmails } from "./email-notifications";
import { connectionCanSignInSql } from "./connection-readiness";
import { decideFor, loadMembers, loadScope, usersWithSso } from "./enforcement-data";
import { previewEnforcementChange, type EnforcementPreview } from "./enforcement-preview";
import { decideEnforcement } from "./enforcement-scope";

export { getEnforcement, previewEnforcement, previewEnforcementChange } from "./enforcement-preview";
export type { EnforcementDraft, EnforcementPreview, PeopleSample } from "./enforcement-preview";
import type { User } from "./users";

/**
 * SSO enforcement, per workspace (owners only): off, sso_provisioned_users (members who joined
 * through SSO) or verified_domains (every address of the workspace's domains). Who it covers is
 * decided by `decideEnforcement` (enforcement-scope.ts): only people whose domain is verified and
 * routed to a connection that can sign them in, never break-glass members, and never owners while
 * owners are break-glass (the default). A change that would end the acting owner's own access is
 * refused (ENFORCEMENT_LOCKS_YOU_OUT); other lock-out risks need an explicit confirmation.
 */

export type { EnforcementWarning };

export type EnforcingWorkspace = {
  id: string;
  slug: string;
  name: string;
  mode: EnforcementMode;
  /** The connection the person's domain is routed to: "Continue with <name>". */
  connection: { name: string; slug: string };
};

/** The workspace whose enforcement covers `user` (empty: password sign-in is allowed). */
export async function findEnforcingWorkspaces(db: Db, user: Pick<User, "id" | "email">): Promise<EnforcingWorkspace[]> {
  const domain = emailDomain(user.email);
  if (!domain) return [];
  // A verified domain belongs to one workspace: at most one row.
  const [row] = await db
    .select({
      id: workspaces.id,
      slug: workspaces.slug,
      name: workspaces.name,
      mode: workspaces.ssoEnforcement,
      ownersBreakGlass: workspaces.ownersBreakGlass,
      connectionName: connections.name,
      connectionSlug: connections.slug,
    })
    .from(domains)
    .innerJoin(
      connections,
      and(eq(connections.id, domains.connectionId), eq(connections.workspaceId, domains.workspaceId), connectionCanSignInSql()),
    )
    .innerJoin(workspaces, eq(workspaces.id, domains.workspaceId))
    .where(and(eq(domains.domain, domain), eq(domains.status, "verified"), ne(workspaces.ssoEnforcement, "off")))
    .limit(1);
  if (!row) return [];
  const [m] = await db
    .select({
      role: memberships.role,
      source: memberships.source,
      breakGlass: memberships.breakGlass,
      status: memberships.status,
      disabled: memberships.disabled,
    })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, row.id), eq(memberships.userId, user.id)));
  const live = !!m && m.status === "active" && !m.disabled;
  const decision = decideEnforcement(
    { mode: row.mode, ownersBreakGlass: row.ownersBreakGlass, routedDomains: new Map([[domain, row.connectionName]]) },
    {
      emailDomain: domain,
      // Only a live membership grants an owner's or a member's exemption, or counts as SSO-provisioned.
      membership: m ? { role: live ? m.role : "none", source: live ? m.source : "none", breakGlass: m.breakGlass } : null,
    },
  );
  if (!decision.enforced) return [];
  return [
    { id: row.id, slug: row.slug, name: row.name, mode: row.mode, connection: { name: row.connectionName, slug: row.connectionSlug } },
  ];
}

/** Throws SSO_REQUIRED (403) when a workspace's enforcement covers the user. Called after the password check. */
export async function assertPasswordSignInAllowed(db: Db, user: User): Promise<void> {
  const [enforcing] = await findEnforcingWorkspaces(db, user);
  if (enforcing) {
    throw new AppError("SSO_REQUIRED", {
      hint: `${enforcing.name} requires single sign-on for ${user.email}: enter your email on the sign-in page and choose “Continue with ${enforcing.connection.name}”. If that fails, a workspace owner can give you break-glass access.`,
      detail: { workspace: enforcing.slug, connection: enforcing.connection.name },
    });
  }
}

function refuseSelfLockOut(preview: EnforcementPreview) {
  if (preview.warnings.some((w) => w.code === "LOCKS_YOU_OUT")) {
    throw new AppError("ENFORCEMENT_LOCKS_YOU_OUT", { detail: { warnings: preview.warnings } });
  }
}

/**
 * Change the mode. A change that would end the acting user's own access is refused
 * (ENFORCEMENT_LOCKS_YOU_OUT, never confirmable). Other danger warnings without `confirm`: nothing
 * changes and ENFORCEMENT_CONFIRMATION_REQUIRED (409) carries them.
 */
export async function setEnforcement(
  db: Db,
  workspaceId: string,
  mode: EnforcementMode,
  actor: AuditActor,
  opts: { confirm?: boolean } = {},
): Promise<{ mode: EnforcementMode; warnings: EnforcementWarning[] }> {
  if (!ENFORCEMENT_MODES.includes(mode))
    throw new AppError("VALIDATION_FAILED", { fields: [{ path: "mode", message: `One of ${ENFORCEMENT_MODES.join(", ")}` }] });
  const preview = await previewEnforcementChange(db, workspaceId, { mode }, actor.userId ?? null);
  refuseSelfLockOut(preview);
  const warnings = preview.warnings;
  if (warnings.some((w) => w.severity === "danger") && !opts.confirm) {
    throw new AppError("ENFORCEMENT_CONFIRMATION_REQUIRED", { detail: { mode, warnings } });
  }
  const [before] = await db.select({ mode: workspaces.ssoEnforcement }).from(workspaces).where(eq(workspaces.id, workspaceId));
  if (!before) throw new AppError("NOT_FOUND");
  if (before.mode !== mode) {
    await db.update(workspaces).set({ ssoEnforcement: mode }).where(eq(workspaces.id, workspaceId));
    await recordAudit(db, workspaceId, actor, {
      action: "workspace.sso_enforcement_changed",
      targetType: "workspace",
      targetId: workspaceId,
      before: { mode: before.mode },
      after: { mode, warnings: warnings.map((w) => w.code) },
    });
    await queueSsoEnforcedEmails(db, workspaceId, { before: before.mode, after: mode, actorUserId: actor.userId });
  }
  return { mode, warnings };
}

/**
 * Owners are break-glass by default. Turning that off is an explicit choice: the caller must type
 * the workspace's slug (`confirmation`), and it is refused when it would end the actor's own access.
 */
export async function setOwnersBreakGlass(
  db: Db,
  workspaceId: string,
  ownersBreakGlass: boolean,
  actor: AuditActor,
  opts: { confirmation?: string } = {},
): Promise<{ ownersBreakGlass: boolean; warnings: EnforcementWarning[] }> {
  const scope = await loadScope(db, workspaceId);
  if (!ownersBreakGlass && opts.confirmation?.trim() !== scope.slug) {
    const message = `Type the workspace slug “${scope.slug}” to confirm.`;
    throw new AppError("VALIDATION_FAILED", { message, fields: [{ path: "confirmation", message }] });
  }
  const preview = await previewEnforcementChange(db, workspaceId, { mode: scope.mode, ownersBreakGlass }, actor.userId ?? null);
  refuseSelfLockOut(preview);
  if (scope.ownersBreakGlass !== ownersBreakGlass) {
    await db.update(workspaces).set({ ownersBreakGlass }).where(eq(workspaces.id, workspaceId));
    await recordAudit(db, workspaceId, actor, {
      action: ownersBreakGlass ? "workspace.owners_break_glass_granted" : "workspace.owners_break_glass_revoked",
      targetType: "workspace",
      targetId: workspaceId,
      before: { ownersBreakGlass: scope.ownersBreakGlass },
      after: { ownersBreakGlass },
    });
  }
  return { ownersBreakGlass, warnings: preview.warnings };
}

/**
 * Refuse a change (routing a domain, revoking a member's break-glass) that would put the acting
 * user under enforcement before they ever signed in with SSO here. `change` edits the scope as it
 * would be after the change.
 */
export async function assertChangeKeepsActorAccess(
  db: Db,
  workspaceId: string,
  actorUserId: string | null | undefined,
  change: { routeDomain?: { domain: string; connectionName: string | null }; breakGlass?: { membershipId: string; value: boolean } },
): Promise<void> {
  if (!actorUserId) return;
  const scope = await loadScope(db, workspaceId);
  const [me] = (await loadMembers(db, workspaceId)).filter((m) => m.userId === actorUserId);
  if (!me) return;
  const routed = new Map(scope.routedDomains);
  if (change.routeDomain) {
    if (change.routeDomain.connectionName === null) routed.delete(change.routeDomain.domain);
    else routed.set(change.routeDomain.domain, change.routeDomain.connectionName);
  }
  const after = change.breakGlass?.membershipId === me.id ? { ...me, breakGlass: change.breakGlass.value } : me;
  const decision = decideFor({ ...scope, routedDomains: routed }, after);
  if (decision.enforced && !(await usersWithSso(db, workspaceId, [me.userId])).has(me.userId)) {
    throw new AppError("ENFORCEMENT_LOCKS_YOU_OUT");
  }
}

/** Mark a member exempt from enforcement (break-glass), or not. Audited. */
export async function setBreakGlass(
  db: Db,
  workspaceId: string,
  membershipId: string,
  breakGlass: boolean,
  actor: AuditActor,
): Promise<{ membershipId: string; breakGlass: boolean }> {
  const [row] = /^[0-9a-f-]{36}$/i.test(membershipId)
    ? await db
        .select({ id: memberships.id, breakGlass: memberships.breakGlass, userId: memberships.userId })
        .from(memberships)
        .where(and(eq(memberships.id, membershipId), eq(memberships.workspaceId, workspaceId)))
    : [];
  if (!row) throw new AppError("NOT_FOUND");
  if (!breakGlass)
    await assertChangeKeepsActorAccess(db, workspaceId, actor.userId, { breakGlass: { membershipId: row.id, value: false } });
  if (row.breakGlass !== breakGlass) {
    await db
      .update(memberships)
      .set({ breakGlass, updatedAt: new Date() })
      .where(and(eq(memberships.id, row.id), eq(memberships.workspaceId, workspaceId), ne(memberships.breakGlass, breakGlass)));
    await recordAudit(db, workspaceId, actor, {
      action: breakGlass ? "member.break_glass_granted" : "member.break_glass_revoked",
      targetType: "membership",
      targetId: row.id,
      before: { breakGlass: row.breakGlass, userId: row.userId },
      after: { breakGlass, userId: row.userId },
    });
  }
  return { membershipId: row.id, breakGlass };
}
