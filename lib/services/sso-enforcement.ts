import { and, eq, exists, inArray, ne, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, domains, linkedIdentities, memberships, users, workspaces } from "@/db/schema";
import { emailDomain } from "@/lib/domains/normalize";
import { AppError } from "@/lib/errors";
import { ENFORCEMENT_MODES, type EnforcementMode, type EnforcementWarning } from "@/lib/schemas/domains";
import { recordAudit, type AuditActor } from "./audit";
import { queueSsoEnforcedEmails } from "./email-notifications";
import type { User } from "./users";

/**
 * SSO enforcement, per workspace (owners only):
 * - off
 * - sso_provisioned_users: members whose membership came from SSO must sign in with SSO;
 * - verified_domains: every address in one of the workspace's verified domains must (members or
 *   not: the workspace owns the domain). Failing domains do not enforce (they no longer route
 *   either, so enforcing them would lock people out).
 * Break-glass members are exempt from their workspace's enforcement.
 */

export type { EnforcementWarning };

/** The workspaces whose enforcement covers `user` (empty: password sign-in is allowed). */
export async function findEnforcingWorkspaces(
  db: Db,
  user: Pick<User, "id" | "email">,
): Promise<{ id: string; slug: string; name: string; mode: EnforcementMode }[]> {
  const cols = { id: workspaces.id, slug: workspaces.slug, name: workspaces.name, mode: workspaces.ssoEnforcement };
  const bySource = await db
    .select(cols)
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(
      and(
        eq(memberships.userId, user.id),
        eq(workspaces.ssoEnforcement, "sso_provisioned_users"),
        eq(memberships.source, "sso"),
        eq(memberships.breakGlass, false),
        eq(memberships.status, "active"),
        eq(memberships.disabled, false),
      ),
    );
  const domain = emailDomain(user.email);
  const byDomain = domain
    ? await db
        .select(cols)
        .from(domains)
        .innerJoin(workspaces, eq(workspaces.id, domains.workspaceId))
        .where(
          and(
            eq(domains.domain, domain),
            eq(domains.status, "verified"),
            eq(workspaces.ssoEnforcement, "verified_domains"),
            sql`not ${exists(
              db
                .select({ one: sql`1` })
                .from(memberships)
                .where(and(eq(memberships.workspaceId, workspaces.id), eq(memberships.userId, user.id), eq(memberships.breakGlass, true))),
            )}`,
          ),
        )
    : [];
  return [...bySource, ...byDomain];
}

/** Throws SSO_REQUIRED (403) when a workspace's enforcement covers the user. Called after the password check. */
export async function assertPasswordSignInAllowed(db: Db, user: User): Promise<void> {
  const enforcing = await findEnforcingWorkspaces(db, user);
  if (enforcing.length) {
    throw new AppError("SSO_REQUIRED", {
      hint: `${enforcing[0]!.name} requires single sign-on for ${user.email}. Enter your email on the sign-in page and choose “Continue with SSO”, or ask a workspace owner for break-glass access.`,
      detail: { workspace: enforcing[0]!.slug },
    });
  }
}

export async function getEnforcement(
  db: Db,
  workspaceId: string,
  actorUserId?: string | null,
): Promise<{ mode: EnforcementMode; warnings: EnforcementWarning[] }> {
  const [ws] = await db.select({ mode: workspaces.ssoEnforcement }).from(workspaces).where(eq(workspaces.id, workspaceId));
  if (!ws) throw new AppError("NOT_FOUND");
  return { mode: ws.mode, warnings: await previewEnforcement(db, workspaceId, ws.mode, actorUserId ?? null) };
}

/** What would go wrong if `mode` were enforced now (danger warnings need explicit confirmation). */
export async function previewEnforcement(
  db: Db,
  workspaceId: string,
  mode: EnforcementMode,
  actorUserId: string | null,
): Promise<EnforcementWarning[]> {
  if (mode === "off") return [];
  const warnings: EnforcementWarning[] = [];
  const active = await db
    .select({ id: connections.id })
    .from(connections)
    .where(and(eq(connections.workspaceId, workspaceId), eq(connections.active, true)));
  if (!active.length) {
    warnings.push({
      code: "NO_ACTIVE_CONNECTION",
      severity: "danger",
      message: "There is no active SSO connection: enforced members could not sign in at all.",
    });
  }
  if (mode === "verified_domains") {
    const verified = await db
      .select({ domain: domains.domain, connectionId: domains.connectionId })
      .from(domains)
      .where(and(eq(domains.workspaceId, workspaceId), eq(domains.status, "verified")));
    if (!verified.length) {
      warnings.push({
        code: "NO_VERIFIED_DOMAINS",
        severity: "info",
        message: "No domain is verified yet, so this mode enforces nobody until one is.",
      });
    }
    const activeIds = new Set(active.map((c) => c.id));
    const unrouted = verified.filter((d) => !d.connectionId || !activeIds.has(d.connectionId)).map((d) => d.domain);
    if (unrouted.length) {
      warnings.push({
        code: "UNROUTED_DOMAINS",
        severity: "danger",
        message: `Not routed to an active connection: ${unrouted.join(", ")}. People with these addresses would find no way to sign in.`,
        detail: { domains: unrouted },
      });
    }
  }
  const lockedOwners = await findOwnersLockedOut(db, workspaceId, mode);
  if (actorUserId && lockedOwners.some((o) => o.userId === actorUserId)) {
    warnings.push({
      code: "LOCKS_YOU_OUT",
      severity: "danger",
      message:
        "You would be locked out: you have not signed in with SSO to this workspace yet and are not break-glass. Test SSO first, or mark yourself break-glass.",
    });
  }
  const others = lockedOwners.filter((o) => o.userId !== actorUserId);
  if (others.length) {
    warnings.push({
      code: "LOCKS_OUT_OWNERS",
      severity: "danger",
      message: `${others.length === 1 ? "An owner" : `${others.length} owners`} (${others.map((o) => o.email).join(", ")}) would need SSO and never signed in with it here.`,
      detail: { emails: others.map((o) => o.email) },
    });
  }
  return warnings;
}

/** Owners that `mode` would enforce, who are not break-glass and have no SSO identity on this workspace's connections. */
async function findOwnersLockedOut(db: Db, workspaceId: string, mode: EnforcementMode): Promise<{ userId: string; email: string }[]> {
  const owners = await db
    .select({ userId: users.id, email: users.email, source: memberships.source })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.workspaceId, workspaceId),
        eq(memberships.role, "owner"),
        eq(memberships.breakGlass, false),
        eq(memberships.disabled, false),
      ),
    );
  if (!owners.length) return [];
  const verified = new Set(
    (
      await db
        .select({ domain: domains.domain })
        .from(domains)
        .where(and(eq(domains.workspaceId, workspaceId), eq(domains.status, "verified")))
    ).map((d) => d.domain),
  );
  const enforced = owners.filter((o) => (mode === "sso_provisioned_users" ? o.source === "sso" : verified.has(emailDomain(o.email) ?? "")));
  if (!enforced.length) return [];
  const linked = await db
    .select({ userId: linkedIdentities.userId })
    .from(linkedIdentities)
    .innerJoin(connections, eq(connections.id, linkedIdentities.connectionId))
    .where(
      and(
        eq(connections.workspaceId, workspaceId),
        eq(connections.active, true),
        inArray(
          linkedIdentities.userId,
          enforced.map((o) => o.userId),
        ),
      ),
    );
  const withSso = new Set(linked.map((l) => l.userId));
  return enforced.filter((o) => !withSso.has(o.userId)).map(({ userId, email }) => ({ userId, email }));
}

/**
 * Change the mode. With danger warnings and no `confirm`, nothing changes and
 * ENFORCEMENT_CONFIRMATION_REQUIRED (409) carries the warnings.
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
  const warnings = await previewEnforcement(db, workspaceId, mode, actor.userId ?? null);
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
