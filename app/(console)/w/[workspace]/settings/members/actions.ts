"use server";

import { emailDeliveryMode, type EmailDeliveryMode } from "@/lib/email/transport";
import { revalidatePath } from "next/cache";
import type { ActionResult } from "@/components/members/types";
import { requireWorkspaceRole } from "@/lib/auth/session";
import { idSchema } from "@/lib/schemas/common";
import { memberDisableSchema, memberInviteSchema, memberRoleUpdateSchema, type MemberInviteInput } from "@/lib/schemas/members";
import { runAction } from "@/lib/http/action-result";
import { inviteMember, resendInvitation, revokeInvitation } from "@/lib/services/invitations";
import { changeMemberRole, removeMember, setMemberDisabled, type MemberActor } from "@/lib/services/members";
import type { Role } from "@/lib/auth/roles";

/** Every action re-checks the caller: a signed-in admin or owner of this workspace (services enforce the finer rules). */
async function caller(workspace: string) {
  const ctx = await requireWorkspaceRole(workspace, "admin");
  const actor: MemberActor = { userId: ctx.user.id, ip: ctx.ip, role: ctx.membership.role };
  return { ...ctx, actor, done: () => revalidatePath(`/w/${ctx.workspace.slug}/settings/members`) };
}

export async function inviteMemberAction(
  workspace: string,
  input: MemberInviteInput,
): Promise<ActionResult<{ inviteUrl: string; email: string; emailDelivery: EmailDeliveryMode }>> {
  return runAction("members", async () => {
    const { db, workspace: ws, actor, done } = await caller(workspace);
    const r = await inviteMember(db, ws.id, memberInviteSchema.parse(input), actor);
    done();
    return { inviteUrl: r.inviteUrl, email: r.invitation.email, emailDelivery: emailDeliveryMode() };
  });
}

export async function changeMemberRoleAction(workspace: string, membershipId: string, role: Role): Promise<ActionResult> {
  return runAction("members", async () => {
    const { db, workspace: ws, actor, done } = await caller(workspace);
    await changeMemberRole(db, ws.id, idSchema.parse(membershipId), memberRoleUpdateSchema.parse({ role }).role, actor);
    done();
    return {};
  });
}

export async function setMemberDisabledAction(workspace: string, membershipId: string, disabled: boolean): Promise<ActionResult> {
  return runAction("members", async () => {
    const { db, workspace: ws, actor, done } = await caller(workspace);
    await setMemberDisabled(db, ws.id, idSchema.parse(membershipId), memberDisableSchema.parse({ disabled }).disabled, actor);
    done();
    return {};
  });
}

export async function removeMemberAction(workspace: string, membershipId: string): Promise<ActionResult> {
  return runAction("members", async () => {
    const { db, workspace: ws, actor, done } = await caller(workspace);
    await removeMember(db, ws.id, idSchema.parse(membershipId), actor);
    done();
    return {};
  });
}

export async function revokeInvitationAction(workspace: string, invitationId: string): Promise<ActionResult> {
  return runAction("members", async () => {
    const { db, workspace: ws, actor, done } = await caller(workspace);
    await revokeInvitation(db, ws.id, idSchema.parse(invitationId), actor);
    done();
    return {};
  });
}

export async function resendInvitationAction(
  workspace: string,
  invitationId: string,
): Promise<ActionResult<{ inviteUrl: string; email: string; emailDelivery: EmailDeliveryMode }>> {
  return runAction("members", async () => {
    const { db, workspace: ws, actor, done } = await caller(workspace);
    const r = await resendInvitation(db, ws.id, idSchema.parse(invitationId), actor);
    done();
    return { inviteUrl: r.inviteUrl, email: r.invitation.email, emailDelivery: emailDeliveryMode() };
  });
}
