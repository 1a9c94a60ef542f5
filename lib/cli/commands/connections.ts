import { AppError } from "@/lib/errors";
import { OPERATOR } from "@/lib/services/actor";
import { toConnectionDto, toSpKeyDto } from "@/lib/api/dto/connections";
import { connectionCreateSchema, SP_KEY_ACTIONS } from "@/lib/schemas/connections";
import { approveConnectionTrust } from "@/lib/services/connection-trust";
import { createConnection, findConnectionBySlug, listConnections } from "@/lib/services/connections";
import { rotateSpKey } from "@/lib/services/sp-keys";
import { findWorkspaceBySlug } from "@/lib/services/workspaces";
import { bool, defineCommand, optStr, str, type CliContext } from "../command";

/** The connection named by --slug (any workspace: the CLI is the operator). */
export async function connectionOrThrow(ctx: CliContext) {
  const found = await findConnectionBySlug(ctx.db, str(ctx, "slug"));
  if (!found) throw new AppError("SAML_NOT_FOUND", { detail: { slug: str(ctx, "slug") } });
  return found;
}

async function workspaceOrThrow(ctx: CliContext) {
  const ws = await findWorkspaceBySlug(ctx.db, str(ctx, "workspace"));
  if (!ws)
    throw new AppError("NOT_FOUND", {
      message: `No workspace with slug "${str(ctx, "workspace")}".`,
      hint: "List workspace slugs in the console URL (/w/<slug>).",
    });
  return ws;
}

export const connectionsCreate = defineCommand({
  name: "connections:create",
  summary: "Create a SAML connection from IdP metadata (file or URL) and print its SP values.",
  flags: {
    workspace: { type: "string", required: true, description: "Workspace slug" },
    name: { type: "string", required: true, description: "Display name, e.g. Okta" },
    slug: { type: "string", required: true, description: "Connection slug (globally unique, part of every SP URL; cannot change later)" },
    "metadata-file": { type: "string", file: true, description: "Path to the IdP metadata XML" },
    "metadata-url": { type: "string", description: "IdP metadata URL (https)" },
    "allow-idp-initiated": { type: "boolean", description: "Accept IdP-initiated (unsolicited) sign-ins" },
    "default-role": { type: "string", description: "Role for new members: admin | editor | viewer (default viewer)" },
  },
  oneOf: [["metadata-file", "metadata-url"]],
  async run(ctx) {
    const ws = await workspaceOrThrow(ctx);
    const metadataXml = optStr(ctx, "metadata-file") !== undefined ? ctx.readFile("metadata-file") : undefined;
    const c = await createConnection(
      ctx.db,
      ws.id,
      connectionCreateSchema.parse({
        name: str(ctx, "name"),
        slug: str(ctx, "slug"),
        ...(metadataXml !== undefined ? { metadataXml } : { metadataUrl: optStr(ctx, "metadata-url") }),
        allowIdpInitiated: bool(ctx, "allow-idp-initiated"),
        ...(optStr(ctx, "default-role") ? { defaultRole: optStr(ctx, "default-role") } : {}),
      }),
      OPERATOR,
    );
    const dto = toConnectionDto(c, ctx.appUrl);
    ctx.print(`Created connection ${c.name} (${c.slug}) in ${ws.slug}. Register these in your IdP:`);
    ctx.print(`  SP entity ID:  ${dto.sp.entity_id}`);
    ctx.print(`  ACS URL:       ${dto.sp.acs_url}`);
    ctx.print(`  SP metadata:   ${dto.sp.metadata_url}`);
    ctx.print(`  Login URL:     ${dto.sp.login_url}`);
    return { connection: dto };
  },
});

export const connectionsList = defineCommand({
  name: "connections:list",
  summary: "List a workspace's SAML connections with their SP values.",
  flags: { workspace: { type: "string", required: true, description: "Workspace slug" } },
  async run(ctx) {
    const ws = await workspaceOrThrow(ctx);
    const list = (await listConnections(ctx.db, ws.id)).map((c) => toConnectionDto(c, ctx.appUrl));
    if (!list.length) ctx.print(`No connections in ${ws.slug}. Create one with connections:create.`);
    for (const c of list)
      ctx.print(
        `${c.slug.padEnd(24)} ${c.active ? "active  " : "inactive"} ${c.configured ? "" : "(needs metadata) "}${c.name}  ${c.sp.login_url}`,
      );
    return { connections: list };
  },
});

export const connectionsRotateKey = defineCommand({
  name: "connections:rotate-key",
  summary: "Rotate a connection's SP signing key: --stage a next key, --activate it, then --retire the old one.",
  flags: {
    slug: { type: "string", required: true, description: "Connection slug" },
    stage: { type: "boolean", description: "Create a next key, published in the SP metadata beside the active one" },
    activate: { type: "boolean", description: "Sign AuthnRequests with the next key (the old one stays published for a grace period)" },
    retire: { type: "boolean", description: "Remove the previous key from the SP metadata" },
  },
  oneOf: [[...SP_KEY_ACTIONS]],
  async run(ctx) {
    const found = await connectionOrThrow(ctx);
    const action = SP_KEY_ACTIONS.find((a) => bool(ctx, a))!;
    const keys = (await rotateSpKey(ctx.db, found.workspace.id, found.connection.id, action, OPERATOR)).map(toSpKeyDto);
    ctx.print(`${action}: done for ${found.connection.slug}.`);
    for (const k of keys)
      ctx.print(`  ${k.state.padEnd(8)} ${k.id}  created ${k.created_at}${k.retired_at ? `  removed from metadata ${k.retired_at}` : ""}`);
    return { connection: { id: found.connection.id, slug: found.connection.slug }, action, sp_keys: keys };
  },
});

export const connectionsApproveTrust = defineCommand({
  name: "connections:approve-trust",
  summary:
    "Approve a connection's current trust as the operator (e.g. after the owner who approved it left), so owners and admins may sign in through it.",
  flags: { slug: { type: "string", required: true, description: "Connection slug" } },
  async run(ctx) {
    const found = await connectionOrThrow(ctx);
    const c = await approveConnectionTrust(ctx.db, found.workspace.id, found.connection.id, OPERATOR);
    ctx.print(`Approved the trust of ${c.slug} (${c.name}) in ${found.workspace.slug} as the operator.`);
    return {
      connection: { id: c.id, slug: c.slug },
      trust_approved_via: c.trustApprovedVia,
      trust_approved_at: c.trustApprovedAt?.toISOString() ?? null,
    };
  },
});

/** connections:update: each flag is one field of the connection patch (connectionUpdateSchema). */
