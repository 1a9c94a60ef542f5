import { AppError } from "@/lib/errors";
import { createApiKey, listApiKeys, revokeApiKey, type ApiKeySummary } from "@/lib/services/api-keys";
import { findWorkspaceBySlug } from "@/lib/services/workspaces";
import type { Db } from "@/db";
import { defineCommand, str } from "../command";

async function workspaceOrThrow(db: Db, slug: string) {
  const ws = await findWorkspaceBySlug(db, slug);
  if (!ws)
    throw new AppError("NOT_FOUND", {
      message: `No workspace with slug "${slug}".`,
      hint: "Check the slug (see the console URL /w/<slug>).",
    });
  return ws;
}

/** The JSON shape of a key (never its hash). */
export function toApiKeyJson(k: ApiKeySummary) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    created_at: k.createdAt.toISOString(),
    created_by: k.createdBy?.email ?? null,
    last_used_at: k.lastUsedAt?.toISOString() ?? null,
    revoked_at: k.revokedAt?.toISOString() ?? null,
  };
}

export const apiKeysCreate = defineCommand({
  name: "api-keys:create",
  summary: "Create an API key for a workspace; the key is printed once (only its hash is stored).",
  flags: {
    workspace: { type: "string", required: true, description: "Workspace slug" },
    name: { type: "string", required: true, description: "What the key is for, e.g. terraform" },
  },
  async run(ctx) {
    const ws = await workspaceOrThrow(ctx.db, str(ctx, "workspace"));
    const { apiKey, secret } = await createApiKey(ctx.db, ws.id, { name: str(ctx, "name") }, { userId: null });
    ctx.print(`Created API key "${apiKey.name}" for ${ws.slug}. Copy it now, it is not shown again:`);
    ctx.print("");
    ctx.print(`  ${secret}`);
    ctx.print("");
    ctx.print(`Use it as: curl -H "Authorization: Bearer ${apiKey.prefix}…" ${ctx.appUrl}/api/v1/connections`);
    return { ...toApiKeyJson(apiKey), key: secret, workspace: { id: ws.id, slug: ws.slug } };
  },
});

export const apiKeysList = defineCommand({
  name: "api-keys:list",
  summary: "List a workspace's API keys (prefix, name, creator, created, last used, revoked).",
  flags: { workspace: { type: "string", required: true, description: "Workspace slug" } },
  async run(ctx) {
    const ws = await workspaceOrThrow(ctx.db, str(ctx, "workspace"));
    const keys = await listApiKeys(ctx.db, ws.id);
    if (keys.length === 0) ctx.print(`No API keys in ${ws.slug}.`);
    for (const k of keys) {
      ctx.print(
        `${k.prefix}…  ${k.name}  created ${k.createdAt.toISOString()}  last used ${k.lastUsedAt?.toISOString() ?? "never"}${k.revokedAt ? "  REVOKED" : ""}  (${k.id})`,
      );
    }
    return keys.map(toApiKeyJson);
  },
});

export const apiKeysRevoke = defineCommand({
  name: "api-keys:revoke",
  summary: "Revoke an API key at once (by id, as shown by api-keys:list).",
  flags: {
    workspace: { type: "string", required: true, description: "Workspace slug" },
    id: { type: "string", required: true, description: "API key id" },
  },
  async run(ctx) {
    const ws = await workspaceOrThrow(ctx.db, str(ctx, "workspace"));
    const k = await revokeApiKey(ctx.db, ws.id, str(ctx, "id"), { userId: null });
    ctx.print(`Revoked ${k.prefix}… (${k.name}).`);
    return toApiKeyJson(k);
  },
});
