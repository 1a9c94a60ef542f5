import { createOperatorKey, listOperatorKeys, revokeOperatorKey, toOperatorKeyJson } from "@/lib/services/operator-keys";
import { defineCommand, str } from "../command";

/** Operator API keys: the instance-level management API (organizations, applications, any organization's resources). */
export const operatorKeysCreate = defineCommand({
  name: "operator-keys:create",
  summary: "Create an operator API key for the instance-level management API; printed once (only its hash is stored).",
  flags: { name: { type: "string", required: true, description: "What the key is for, e.g. billing-backend" } },
  async run(ctx) {
    const { key, secret } = await createOperatorKey(ctx.db, { name: str(ctx, "name") });
    ctx.print(`Created operator key "${key.name}". Copy it now, it is not shown again:`);
    ctx.print("");
    ctx.print(`  ${secret}`);
    ctx.print("");
    ctx.print(`Use it as: curl -H "Authorization: Bearer ${key.prefix}…" ${ctx.appUrl}/api/v1/organizations`);
    return { ...toOperatorKeyJson(key), key: secret };
  },
});

export const operatorKeysList = defineCommand({
  name: "operator-keys:list",
  summary: "List operator API keys by prefix, name, created, last used, revoked.",
  flags: {},
  async run(ctx) {
    const keys = await listOperatorKeys(ctx.db);
    if (!keys.length) ctx.print("No operator keys.");
    for (const k of keys)
      ctx.print(
        `${k.prefix}…  ${k.name}  created ${k.createdAt.toISOString()}  last used ${k.lastUsedAt?.toISOString() ?? "never"}${k.revokedAt ? "  REVOKED" : ""}  (${k.id})`,
      );
    return keys.map(toOperatorKeyJson);
  },
});

export const operatorKeysRevoke = defineCommand({
  name: "operator-keys:revoke",
  summary: "Revoke an operator API key at once (by id, as shown by operator-keys:list).",
  flags: { id: { type: "string", required: true, description: "Operator key id" } },
  async run(ctx) {
    const k = await revokeOperatorKey(ctx.db, str(ctx, "id"));
    ctx.print(`Revoked ${k.prefix}… (${k.name}).`);
    return toOperatorKeyJson(k);
  },
});
