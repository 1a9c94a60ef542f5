import { and, eq, inArray, ne } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, domains, linkedIdentities, memberships, users, workspaces } from "@/db/schema";
import { emailDomain } from "@/lib/domains/normalize";
import { AppError } from "@/lib/errors";
import { ENFORCEMENT_MODES, type EnforcementMode, type EnforcementWarning } from "@/lib/schemas/domains";
import { recordAudit, type AuditActor } from "./audit";
import { connectionCanSignInSql } from "./connection-readiness";
import { decideEnforcement, KEEPS_PASSWORD_REASON, type ScopeContext, type ScopeDecision } from "./enforcement-scope";
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

type ScopeMember = {
  id: string;
  userId: string;
  email: string;
  name: string | null;
  role: string;
  source: string;
  breakGlass: boolean;
};

/** The workspace's settings and routed domains, as `decideEnforcement` reads them. */
async function loadScope(db: Db, workspaceId: string): Promise<ScopeContext & { slug: string; name: string }> {
  const [ws] = await db
    .select({
      mode: workspaces.ssoEnforcement,
      ownersBreakGlass: workspaces.ownersBreakGlass,
      slug: workspaces.slug,
      name: workspaces.name,
    })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId));
  if (!ws) throw new AppError("NOT_FOUND");
  const routed = await db
    .select({ domain: domains.domain, name: connections.name })
    .from(domains)
    .innerJoin(
      connections,
      and(eq(connections.id, domains.connectionId), eq(connections.workspaceId, domains.workspaceId), connectionCanSignInSql()),
    )
    .where(and(eq(domains.workspaceId, workspaceId), eq(domains.status, "verified")));
  return { ...ws, routedDomains: new Map(routed.map((r) => [r.domain, r.name])) };
}

async function loadMembers(db: Db, workspaceId: string): Promise<ScopeMember[]> {
  return db
    .select({
      id: memberships.id,
      userId: memberships.userId,
      email: users.email,
      name: users.name,
      role: memberships.role,
      source: memberships.source,
      breakGlass: memberships.breakGlass,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.status, "active"), eq(memberships.disabled, false)));
}

const decideFor = (ctx: ScopeContext, m: ScopeMember): ScopeDecision =>
  decideEnforcement(ctx, { emailDomain: emailDomain(m.email), membership: m });

/** Users of `userIds` who have signed in with SSO through a working connection of the workspace. */
async function usersWithSso(db: Db, workspaceId: string, userIds: string[]): Promise<Set<string>> {
  if (!userIds.length) return new Set();
  const rows = await db
    .select({ userId: linkedIdentities.userId })
    .from(linkedIdentities)
    .innerJoin(connections, eq(connections.id, linkedIdentities.connectionId))
    .where(and(eq(connections.workspaceId, workspaceId), connectionCanSignInSql(), inArray(linkedIdentities.userId, userIds)));
  return new Set(rows.map((r) => r.userId));
}

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

export type PeopleSample = { count: number; names: string[] };
export type EnforcementDraft = { mode: EnforcementMode; ownersBreakGlass?: boolean };
export type EnforcementPreview = {
  mode: EnforcementMode;
  ownersBreakGlass: boolean;
  warnings: EnforcementWarning[];
  /** Members who would have to sign in with SSO (count and the first few names). */
  mustUseSso: PeopleSample;
  /** Members who keep password access, with why (first few). */
  keepPassword: PeopleSample & { reasons: string[] };
};

const SAMPLE = 5;
const label = (m: ScopeMember) => m.name?.trim() || m.email;

/**
 * What `draft` would do if saved now: who must use SSO, who keeps a password, and what could go
 * wrong (danger warnings need confirmation; LOCKS_YOU_OUT is refused outright).
 */
export async function previewEnforcementChange(
  db: Db,
  workspaceId: string,
  draft: EnforcementDraft,
  actorUserId: string | null,
): Promise<EnforcementPreview> {
  const scope = await loadScope(db, workspaceId);
  const ctx: ScopeContext = { ...scope, mode: draft.mode, ownersBreakGlass: draft.ownersBreakGlass ?? scope.ownersBreakGlass };
  const members = await loadMembers(db, workspaceId);
  const decided = members.map((m) => ({ m, d: decideFor(ctx, m) }));
  const enforced = decided.filter((x) => x.d.enforced).map((x) => x.m);
  const kept = decided.filter((x) => !x.d.enforced);
  const preview: EnforcementPreview = {
    mode: ctx.mode,
    ownersBreakGlass: ctx.ownersBreakGlass,
    warnings: [],
    mustUseSso: { count: enforced.length, names: enforced.slice(0, SAMPLE).map(label) },
    keepPassword: {
      count: kept.length,
      names: kept.slice(0, SAMPLE).map((x) => label(x.m)),
      reasons: kept.slice(0, SAMPLE).map((x) => (x.d.enforced ? "" : KEEPS_PASSWORD_REASON[x.d.reason])),
    },
  };
  if (ctx.mode === "off") return preview;

  const warnings = preview.warnings;
  const [ready] = await db
    .select({ id: connections.id })
    .from(connections)
    .where(and(eq(connections.workspaceId, workspaceId), connectionCanSignInSql()))
    .limit(1);
  if (!ready) {
    warnings.push({
      code: "NO_ACTIVE_CONNECTION",
      severity: "info",
      message: "No connection can sign people in yet (turned on, with IdP metadata), so this enforces nobody until one can.",
    });
  }
  const verified = await db
    .select({ domain: domains.domain })
    .from(domains)
    .where(and(eq(domains.workspaceId, workspaceId), eq(domains.status, "verified")));
  if (!verified.length) {
    warnings.push({
      code: "NO_VERIFIED_DOMAINS",
      severity: "info",
      message: "No domain is verified yet, so this enforces nobody until one is verified and routed to a connection.",
    });
  }
  const unrouted = verified.map((d) => d.domain).filter((d) => !ctx.routedDomains.has(d));
  if (unrouted.length) {
    warnings.push({
      code: "UNROUTED_DOMAINS",
      severity: "info",
      message: `Not enforced until routed to a working connection: ${unrouted.join(", ")}. People with these addresses keep their passwords.`,
      detail: { domains: unrouted },
    });
  }
  const withSso = await usersWithSso(
    db,
    workspaceId,
    enforced.map((m) => m.userId),
  );
  if (actorUserId && enforced.some((m) => m.userId === actorUserId && !withSso.has(m.userId))) {
    warnings.push({
      code: "LOCKS_YOU_OUT",
      severity: "danger",
      message:
        "This would end your own access: you would have to use SSO and have not signed in with it here yet. Sign in once with SSO first, or keep owners break-glass.",
    });
  }
  const owners = enforced.filter((m) => m.role === "owner" && m.userId !== actorUserId && !withSso.has(m.userId));
  if (owners.length) {
    warnings.push({
      code: "LOCKS_OUT_OWNERS",
      severity: "danger",
      message: `${owners.length === 1 ? "An owner" : `${owners.length} owners`} (${owners.map((o) => o.email).join(", ")}) would need SSO and never signed in with it here.`,
      detail: { emails: owners.map((o) => o.email) },
    });
  }
  return preview;
}

/** The warnings of `previewEnforcementChange` for a mode (kept for the REST API and CLI). */
export async function previewEnforcement(
  db: Db,
  workspaceId: string,
  mode: EnforcementMode,
  actorUserId: string | null,
): Promise<EnforcementWarning[]> {
  return (await previewEnforcementChange(db, workspaceId, { mode }, actorUserId)).warnings;
}

export async function getEnforcement(
  db: Db,
  workspaceId: string,
  actorUserId?: string | null,
): Promise<{ mode: EnforcementMode; ownersBreakGlass: boolean; warnings: EnforcementWarning[]; preview: EnforcementPreview }> {
  const [ws] = await db
    .select({ mode: workspaces.ssoEnforcement, ownersBreakGlass: workspaces.ownersBreakGlass })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId));
  if (!ws) throw new AppError("NOT_FOUND");
  const preview = await previewEnforcementChange(db, workspaceId, ws, actorUserId ?? null);
  return { mode: ws.mode, ownersBreakGlass: ws.ownersBreakGlass, warnings: preview.warnings, preview };
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
