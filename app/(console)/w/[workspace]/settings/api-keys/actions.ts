"use server";

import { revalidatePath } from "next/cache";
import type { ActionResult } from "@/components/api-keys/types";
import { requireWorkspaceRole } from "@/lib/auth/session";
import { apiKeyCreateSchema, apiKeyRevokeSchema, type ApiKeyCreateInput } from "@/lib/schemas/api-keys";
import { runAction } from "@/lib/http/action-result";
import { memberActor } from "@/lib/services/actor";
import { createApiKey, revokeApiKey } from "@/lib/services/api-keys";

/** Create a key (owners and admins) with the creator's role and the chosen scope. The key is returned once, to be shown once. */
export async function createApiKeyAction(
  workspace: string,
  input: ApiKeyCreateInput,
): Promise<ActionResult<{ secret: string; prefix: string; name: string; scope: string }>> {
  return runAction("api-keys", async () => {
    const { db, workspace: ws, user, membership, ip } = await requireWorkspaceRole(workspace, "admin");
    const data = apiKeyCreateSchema.parse(input);
    const { apiKey, secret } = await createApiKey(db, ws.id, data, memberActor(user.id, membership.role, ip));
    revalidatePath(`/w/${ws.slug}/settings/api-keys`);
    return { secret, prefix: apiKey.prefix, name: apiKey.name, scope: apiKey.scope };
  });
}

/** Revoke a key at once (owners and admins). */
export async function revokeApiKeyAction(workspace: string, id: string): Promise<ActionResult<{ id: string }>> {
  return runAction("api-keys", async () => {
    const { db, workspace: ws, user, ip } = await requireWorkspaceRole(workspace, "admin");
    const data = apiKeyRevokeSchema.parse({ id });
    await revokeApiKey(db, ws.id, data.id, { userId: user.id, ip });
    revalidatePath(`/w/${ws.slug}/settings/api-keys`);
    return { id: data.id };
  });
}
