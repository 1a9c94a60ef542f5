"use server";

import { requireWorkspaceRole } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { runAction, type ActionResult } from "@/lib/http/action-result";
import { setupLinkCreateSchema, setupLinkRevokeSchema, type SetupLinkCreateInput } from "@/lib/schemas/setup-links";
import { memberActor } from "@/lib/services/actor";
import { createSetupLink, revokeSetupLink } from "@/lib/services/setup-links";

/** Create a setup link (owners only; the service checks). The URL is returned this once. */
export async function createSetupLinkAction(
  workspace: string,
  input: SetupLinkCreateInput,
): Promise<ActionResult<{ id: string; url: string; expiresAt: string; name: string }>> {
  return runAction("setup-links", async () => {
    const { db, workspace: ws, user, membership, ip } = await requireWorkspaceRole(workspace, "owner");
    const { link, url } = await createSetupLink(db, ws.id, setupLinkCreateSchema.parse(input), memberActor(user.id, membership.role, ip), {
      appUrl: env().appUrl,
    });
    return { id: link.id, url, expiresAt: link.expiresAt.toISOString(), name: link.name };
  });
}

export async function revokeSetupLinkAction(workspace: string, id: string): Promise<ActionResult> {
  return runAction("setup-links", async () => {
    const { db, workspace: ws, user, membership, ip } = await requireWorkspaceRole(workspace, "owner");
    await revokeSetupLink(db, ws.id, setupLinkRevokeSchema.parse({ id }).id, memberActor(user.id, membership.role, ip));
    return {};
  });
}
