"use server";

import { revalidatePath } from "next/cache";
import { unstable_rethrow } from "next/navigation";
import { ZodError } from "zod";
import type { ActionError, ActionResult } from "@/components/api-keys/types";
import { requireWorkspaceRole } from "@/lib/auth/session";
import { describeError, isAppError } from "@/lib/errors";
import { apiKeyCreateSchema, apiKeyRevokeSchema, type ApiKeyCreateInput } from "@/lib/schemas/api-keys";
import { logger } from "@/lib/server/logger";
import { createApiKey, revokeApiKey } from "@/lib/services/api-keys";

/** Create a key (owners and admins). The key is returned once, to be shown once. */
export async function createApiKeyAction(
  workspace: string,
  input: ApiKeyCreateInput,
): Promise<ActionResult<{ secret: string; prefix: string; name: string }>> {
  return run(async () => {
    const { db, workspace: ws, user, ip } = await requireWorkspaceRole(workspace, "admin");
    const data = apiKeyCreateSchema.parse(input);
    const { apiKey, secret } = await createApiKey(db, ws.id, data, { userId: user.id, ip });
    revalidatePath(`/w/${ws.slug}/settings/api-keys`);
    return { secret, prefix: apiKey.prefix, name: apiKey.name };
  });
}

/** Revoke a key at once (owners and admins). */
export async function revokeApiKeyAction(workspace: string, id: string): Promise<ActionResult<{ id: string }>> {
  return run(async () => {
    const { db, workspace: ws, user, ip } = await requireWorkspaceRole(workspace, "admin");
    const data = apiKeyRevokeSchema.parse({ id });
    await revokeApiKey(db, ws.id, data.id, { userId: user.id, ip });
    revalidatePath(`/w/${ws.slug}/settings/api-keys`);
    return { id: data.id };
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
  logger.error("api-keys action failed", { error: e });
  const d = describeError("INTERNAL");
  return { ok: false, code: "INTERNAL", message: d.message, hint: d.hint };
}
