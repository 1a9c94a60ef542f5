"use server";

import { revalidatePath } from "next/cache";
import type { ActionError, ActionResult, DomainItem, EnforcementPreviewItem, EnforcementState } from "@/components/domains/types";
import { requireWorkspaceRole } from "@/lib/auth/session";
import type { Role } from "@/lib/auth/roles";
import { idSchema } from "@/lib/schemas/common";
import {
  breakGlassSchema,
  domainCreateSchema,
  domainRouteSchema,
  enforcementModeSchema,
  enforcementPreviewSchema,
  ownersBreakGlassSchema,
  type DomainCreateInput,
  type EnforcementMode,
} from "@/lib/schemas/domains";
import { runAction } from "@/lib/http/action-result";
import { toDomainItem } from "./domain-item";
import { addDomain, listDomains, removeDomain, routeDomain, verifyDomain } from "@/lib/services/domains";
import {
  previewEnforcementChange,
  setBreakGlass,
  setEnforcement,
  setOwnersBreakGlass,
  type EnforcementPreview,
  type EnforcementWarning,
} from "@/lib/services/sso-enforcement";

/** Every action re-checks the caller's role in this workspace. */
async function caller(workspace: string, role: Role) {
  const ctx = await requireWorkspaceRole(workspace, role);
  return { ...ctx, actor: { userId: ctx.user.id, ip: ctx.ip }, done: () => revalidatePath(`/w/${ctx.workspace.slug}/settings/domains`) };
}

/** Polled by the domains list (live status). */
export async function listDomainsAction(workspace: string): Promise<DomainItem[]> {
  const { db, workspace: ws } = await requireWorkspaceRole(workspace, "viewer");
  return (await listDomains(db, ws.id)).map(toDomainItem);
}

export async function addDomainAction(workspace: string, input: DomainCreateInput): Promise<ActionResult<{ domain: DomainItem }>> {
  return run(async () => {
    const { db, workspace: ws, actor, done } = await caller(workspace, "admin");
    const d = await addDomain(db, ws.id, domainCreateSchema.parse(input).domain, actor);
    done();
    return { domain: toDomainItem(d) };
  });
}

export async function verifyDomainAction(workspace: string, id: string): Promise<ActionResult<{ domain: DomainItem }>> {
  return run(async () => {
    const { db, workspace: ws, actor, done } = await caller(workspace, "admin");
    try {
      return { domain: toDomainItem(await verifyDomain(db, ws.id, idSchema.parse(id), actor)) };
    } finally {
      done();
    }
  });
}

export async function routeDomainAction(
  workspace: string,
  id: string,
  connectionId: string | null,
): Promise<ActionResult<{ domain: DomainItem }>> {
  return run(async () => {
    const { db, workspace: ws, actor, done } = await caller(workspace, "admin");
    const d = await routeDomain(db, ws.id, idSchema.parse(id), domainRouteSchema.parse({ connectionId }).connectionId, actor);
    done();
    return { domain: toDomainItem(d) };
  });
}

export async function removeDomainAction(workspace: string, id: string): Promise<ActionResult> {
  return run(async () => {
    const { db, workspace: ws, actor, done } = await caller(workspace, "admin");
    await removeDomain(db, ws.id, idSchema.parse(id), actor);
    done();
    return {};
  });
}

/** Owners only. Without `confirm`, lock-out warnings come back as ENFORCEMENT_CONFIRMATION_REQUIRED. */
export async function setEnforcementAction(
  workspace: string,
  mode: EnforcementMode,
  confirm: boolean,
): Promise<ActionResult<EnforcementState>> {
  return run(async () => {
    const { db, workspace: ws, actor, done } = await caller(workspace, "owner");
    const r = await setEnforcement(db, ws.id, enforcementModeSchema.parse(mode), actor, { confirm });
    done();
    return { mode: r.mode, ownersBreakGlass: ws.ownersBreakGlass, warnings: r.warnings.map(toWarning) };
  });
}

/** Owners only: what a draft of the enforcement settings would do (polled live while the form changes). */
export async function previewEnforcementAction(
  workspace: string,
  draft: { mode: EnforcementMode; ownersBreakGlass?: boolean },
): Promise<ActionResult<{ preview: EnforcementPreviewItem }>> {
  return run(async () => {
    const { db, workspace: ws, user } = await caller(workspace, "owner");
    return { preview: toPreviewItem(await previewEnforcementChange(db, ws.id, enforcementPreviewSchema.parse(draft), user.id)) };
  });
}

/** Owners only. Turning owners' break-glass off needs the workspace slug typed as `confirmation`. */
export async function setOwnersBreakGlassAction(
  workspace: string,
  input: { ownersBreakGlass: boolean; confirmation?: string },
): Promise<ActionResult<{ ownersBreakGlass: boolean }>> {
  return run(async () => {
    const { db, workspace: ws, actor, done } = await caller(workspace, "owner");
    const data = ownersBreakGlassSchema.parse(input);
    const r = await setOwnersBreakGlass(db, ws.id, data.ownersBreakGlass, actor, { confirmation: data.confirmation });
    done();
    return { ownersBreakGlass: r.ownersBreakGlass };
  });
}

export async function setBreakGlassAction(
  workspace: string,
  membershipId: string,
  breakGlass: boolean,
): Promise<ActionResult<{ breakGlass: boolean }>> {
  return run(async () => {
    const { db, workspace: ws, actor, done } = await caller(workspace, "owner");
    const data = breakGlassSchema.parse({ membershipId, breakGlass });
    const r = await setBreakGlass(db, ws.id, data.membershipId, data.breakGlass, actor);
    done();
    return { breakGlass: r.breakGlass };
  });
}

function toPreviewItem(p: EnforcementPreview): EnforcementPreviewItem {
  return { ...p, warnings: p.warnings.map(toWarning) };
}

function toWarning(w: EnforcementWarning) {
  return { code: w.code, severity: w.severity, message: w.message };
}

/** Every action here: a typed result; enforcement refusals carry their warnings. */
function run<T extends object>(fn: () => Promise<T>): Promise<ActionResult<T>> {
  return runAction<T, ActionError>("domains", fn, (e) => {
    const warnings = (e.detail as { warnings?: EnforcementWarning[] } | undefined)?.warnings;
    return warnings ? { warnings: warnings.map(toWarning) } : {};
  });
}
