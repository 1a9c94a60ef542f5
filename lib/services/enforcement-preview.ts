import { and, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, domains, workspaces } from "@/db/schema";
import { AppError } from "@/lib/errors";
import type { EnforcementMode, EnforcementWarning } from "@/lib/schemas/domains";
import { connectionCanSignInSql } from "./connection-readiness";
import { decideFor, loadMembers, loadScope, usersWithSso, type ScopeMember } from "./enforcement-data";
import { KEEPS_PASSWORD_REASON, type ScopeContext } from "./enforcement-scope";

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
