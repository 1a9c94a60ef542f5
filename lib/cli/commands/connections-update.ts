import { AppError } from "@/lib/errors";
import { OPERATOR } from "@/lib/services/actor";
import { toConnectionDto, toSpEncryptionKeyDto } from "@/lib/api/dto/connections";
import { connectionUpdateSchema, SP_KEY_ACTIONS, type ConnectionUpdateInput } from "@/lib/schemas/connections";
import { updateConnection } from "@/lib/services/connections";
import { connectionOrThrow } from "./connections";
import { listSpEncryptionKeys, rotateSpEncryptionKey } from "@/lib/services/sp-encryption-keys";
import { bool, defineCommand, optStr, type CliContext } from "../command";

/** A `true|false` flag value; undefined when the flag is absent. */
function optTrueFalse(ctx: CliContext, name: string): boolean | undefined {
  const v = optStr(ctx, name);
  if (v === undefined) return undefined;
  if (v === "true" || v === "false") return v === "true";
  throw new AppError("VALIDATION_FAILED", {
    message: `--${name} takes true or false.`,
    fields: [{ path: name, message: "Use true or false" }],
  });
}

export const connectionsUpdate = defineCommand({
  name: "connections:update",
  summary: "Change a connection's settings as the operator (owner-level): only the flags given change.",
  flags: {
    slug: { type: "string", required: true, description: "Connection slug" },
    "idp-slo-url": {
      type: "string",
      description: 'The IdP\'s single logout URL (http(s), HTTP-Redirect binding); "none" turns single logout off (sign-out stays local)',
    },
    "require-encrypted-assertions": {
      type: "string",
      description: "true | false: refuse plaintext assertions (turning it on creates the SP encryption key, published in the SP metadata)",
    },
  },
  async run(ctx) {
    const found = await connectionOrThrow(ctx);
    // One line per flag: the patch holds only what was given.
    const patch: ConnectionUpdateInput = { version: found.connection.version };
    const requireEncrypted = optTrueFalse(ctx, "require-encrypted-assertions");
    if (requireEncrypted !== undefined) patch.requireEncryptedAssertions = requireEncrypted;
    const sloUrl = optStr(ctx, "idp-slo-url");
    if (sloUrl !== undefined) patch.idpSloUrl = sloUrl === "none" ? null : sloUrl;

    if (Object.keys(patch).length === 1)
      throw new AppError("VALIDATION_FAILED", { message: "Nothing to change.", hint: "Give at least one setting flag (see --help)." });
    const c = await updateConnection(ctx.db, found.workspace.id, found.connection.id, connectionUpdateSchema.parse(patch), OPERATOR);
    const encryptionKeys = (await listSpEncryptionKeys(ctx.db, found.workspace.id, c.id)).map(toSpEncryptionKeyDto);
    const dto = toConnectionDto(c, ctx.appUrl);
    ctx.print(`Updated ${c.slug} (${c.name}) in ${found.workspace.slug}.`);
    if (sloUrl !== undefined) {
      ctx.print(c.idpSloUrl ? `  IdP single logout URL: ${c.idpSloUrl}` : "  IdP single logout URL: none (sign-out stays local)");
      ctx.print(`  SP single logout URL (register in the IdP): ${dto.sp.slo_url}`);
    }
    if (requireEncrypted !== undefined) {
      ctx.print(`  Require encrypted assertions: ${c.requireEncryptedAssertions ? "yes" : "no"}`);
      const active = encryptionKeys.find((k) => k.state === "active");
      if (active)
        ctx.print(`  Encryption certificate (give it to the IdP, or let it read the SP metadata):\n${active.certificate_pem.trimEnd()}`);
    }
    return { connection: dto, sp_encryption_keys: encryptionKeys };
  },
});

export const connectionsRotateEncryptionKey = defineCommand({
  name: "connections:rotate-encryption-key",
  summary: "Rotate a connection's SP encryption key: --stage a next key, --activate it, then --retire the old one.",
  flags: {
    slug: { type: "string", required: true, description: "Connection slug" },
    stage: { type: "boolean", description: "Create a next key, published beside the active one (both decrypt)" },
    activate: { type: "boolean", description: "Publish only the next key (the old one still decrypts until --retire)" },
    retire: { type: "boolean", description: "Stop decrypting with the previous key" },
  },
  oneOf: [[...SP_KEY_ACTIONS]],
  async run(ctx) {
    const found = await connectionOrThrow(ctx);
    const action = SP_KEY_ACTIONS.find((a) => bool(ctx, a))!;
    const keys = (await rotateSpEncryptionKey(ctx.db, found.workspace.id, found.connection.id, action, OPERATOR)).map(toSpEncryptionKeyDto);
    ctx.print(`${action}: done for ${found.connection.slug}.`);
    for (const k of keys)
      ctx.print(
        `  ${k.state.padEnd(8)} ${k.id}  created ${k.created_at}${k.retired_at ? `  no longer decrypts since ${k.retired_at}` : ""}`,
      );
    return { connection: { id: found.connection.id, slug: found.connection.slug }, action, sp_encryption_keys: keys };
  },
});
