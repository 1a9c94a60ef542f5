"use server";

import { requireWorkspaceRole } from "@/lib/auth/session";
import { runAction, type ActionResult } from "@/lib/http/action-result";
import { spKeyActionSchema, type SpKeyAction } from "@/lib/schemas/connections";
import { memberActor } from "@/lib/services/actor";
import { rotateSpEncryptionKey } from "@/lib/services/sp-encryption-keys";

/** Encryption key rotation. Admins reach the page; the service refuses unless the member is an owner (it is IdP trust). */
async function member(workspace: string) {
  const ctx = await requireWorkspaceRole(workspace, "admin");
  return { ...ctx, actor: memberActor(ctx.user.id, ctx.membership.role, ctx.ip) };
}

export async function rotateSpEncryptionKeyAction(workspace: string, connectionId: string, action: SpKeyAction): Promise<ActionResult> {
  return runAction("sso", async () => {
    const { db, workspace: ws, actor } = await member(workspace);
    await rotateSpEncryptionKey(db, ws.id, connectionId, spKeyActionSchema.parse({ action }).action, actor);
    return {};
  });
}
