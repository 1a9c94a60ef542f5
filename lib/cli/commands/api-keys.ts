import { AppError } from "@/lib/errors";
import { OPERATOR } from "@/lib/services/actor";
import { createApiKey, listApiKeys, revokeApiKey, type ApiKeySummary } from "@/lib/services/api-keys";
import { findWorkspaceBySlug } from "@/lib/services/workspaces";
import type { Db } from "@/db";
import { defineCommand, optStr, str } from "../command";

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
    role: k.role,
    scope: k.scope,
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
    role: {
      type: "string",
      description:
        "owner | admin | editor | viewer: the most the key may do (default admin; owner-only changes such as IdP trust need owner)",
    },
    scope: { type: "string", description: "read_only | read_write (default read_write): read_only keys may only read" },
  },
  async run(ctx) {
    const ws = await workspaceOrThrow(ctx.db, str(ctx, "workspace"));
    const { apiKey, secret } = await createApiKey(
      ctx.db,
      ws.id,
      { name: str(ctx, "name"), role: optStr(ctx, "role") as never, scope: optStr(ctx, "scope") as never },
      OPERATOR,
    );
    ctx.print(`Created ${apiKey.scope} API key "${apiKey.name}" (role ${apiKey.role}) for ${ws.slug}. Copy it now, it is not shown again:`);
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
        `${k.prefix}…  ${k.name}  ${k.role} ${k.scope}  created ${k.createdAt.toISOString()}  last used ${k.lastUsedAt?.toISOString() ?? "never"}${k.revokedAt ? "  REVOKED" : ""}  (${k.id})`,
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
    const k = await revokeApiKey(ctx.db, ws.id, str(ctx, "id"), OPERATOR);
    ctx.print(`Revoked ${k.prefix}… (${k.name}).`);
    return toApiKeyJson(k);
  },
});
