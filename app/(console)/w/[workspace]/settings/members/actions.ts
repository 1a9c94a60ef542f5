"use server";

import { revalidatePath } from "next/cache";
import { unstable_rethrow } from "next/navigation";
import { ZodError, z } from "zod";
import type { ActionError, ActionResult } from "@/components/members/types";
import { requireWorkspaceRole } from "@/lib/auth/session";
import { describeError, isAppError } from "@/lib/errors";
import { memberDisableSchema, memberInviteSchema, memberRoleUpdateSchema, type MemberInviteInput } from "@/lib/schemas/members";
import { logger } from "@/lib/server/logger";
import { inviteMember, resendInvitation, revokeInvitation } from "@/lib/services/invitations";
import { changeMemberRole, removeMember, setMemberDisabled, type MemberActor } from "@/lib/services/members";
import type { Role } from "@/lib/auth/roles";

const idSchema = z.uuid();

/** Every action re-checks the caller: a signed-in admin or owner of this workspace (services enforce the finer rules). */
async function caller(workspace: string) {
  const ctx = await requireWorkspaceRole(workspace, "admin");
  const actor: MemberActor = { userId: ctx.user.id, ip: ctx.ip, role: ctx.membership.role };
  return { ...ctx, actor, done: () => revalidatePath(`/w/${ctx.workspace.slug}/settings/members`) };
}

export async function inviteMemberAction(workspace: string, input: MemberInviteInput): Promise<ActionResult<{ inviteUrl: string; email: string }>> {
  return run(async () => {
    const { db, workspace: ws, actor, done } = await caller(workspace);
    const r = await inviteMember(db, ws.id, memberInviteSchema.parse(input), actor);
    done();
    return { inviteUrl: r.inviteUrl, email: r.invitation.email };
  });
}

export async function changeMemberRoleAction(workspace: string, membershipId: string, role: Role): Promise<ActionResult> {
  return run(async () => {
    const { db, workspace: ws, actor, done } = await caller(workspace);
    await changeMemberRole(db, ws.id, idSchema.parse(membershipId), memberRoleUpdateSchema.parse({ role }).role, actor);
    done();
    return {};
  });
}

export async function setMemberDisabledAction(workspace: string, membershipId: string, disabled: boolean): Promise<ActionResult> {
  return run(async () => {
    const { db, workspace: ws, actor, done } = await caller(workspace);
    await setMemberDisabled(db, ws.id, idSchema.parse(membershipId), memberDisableSchema.parse({ disabled }).disabled, actor);
    done();
    return {};
  });
}

export async function removeMemberAction(workspace: string, membershipId: string): Promise<ActionResult> {
  return run(async () => {
    const { db, workspace: ws, actor, done } = await caller(workspace);
    await removeMember(db, ws.id, idSchema.parse(membershipId), actor);
    done();
    return {};
  });
}

export async function revokeInvitationAction(workspace: string, invitationId: string): Promise<ActionResult> {
  return run(async () => {
    const { db, workspace: ws, actor, done } = await caller(workspace);
    await revokeInvitation(db, ws.id, idSchema.parse(invitationId), actor);
    done();
    return {};
  });
}

export async function resendInvitationAction(workspace: string, invitationId: string): Promise<ActionResult<{ inviteUrl: string; email: string }>> {
  return run(async () => {
    const { db, workspace: ws, actor, done } = await caller(workspace);
    const r = await resendInvitation(db, ws.id, idSchema.parse(invitationId), actor);
    done();
    return { inviteUrl: r.inviteUrl, email: r.invitation.email };
  });
}

async function run<T extends object>(fn: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    return { ok: true, ...(await fn()) };
  } catch (e) {
    return toActionError(e);
  }
}

function toActionError(e: unknown): ActionError {
  unstable_rethrow(e); // redirects (not signed in) and notFound (not a member) keep their meaning
  if (isAppError(e)) return { ok: false, code: e.code, message: e.message, hint: e.hint };
  if (e instanceof ZodError) {
    const fields: Record<string, string> = {};
    for (const issue of e.issues) fields[issue.path.join(".") || "_"] ??= issue.message;
    const d = describeError("VALIDATION_FAILED");
    return { ok: false, code: "VALIDATION_FAILED", message: d.message, hint: d.hint, fields };
  }
  logger.error("members action failed", { error: e });
  const d = describeError("INTERNAL");
  return { ok: false, code: "INTERNAL", message: d.message, hint: d.hint };
}
