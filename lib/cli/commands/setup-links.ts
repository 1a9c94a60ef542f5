import { AppError } from "@/lib/errors";
import { setupLinkCreateSchema, setupLinkRevokeSchema } from "@/lib/schemas/setup-links";
import { OPERATOR } from "@/lib/services/actor";
import { createSetupLink, revokeSetupLinkById, toSetupLinkJson } from "@/lib/services/setup-links";
import { findWorkspaceBySlug } from "@/lib/services/workspaces";
import { defineCommand, optStr, str } from "../command";

/** Setup links for a customer's IT admin: one workspace, one purpose, expiring. */
export const setupLinksCreate = defineCommand({
  name: "setup-links:create",
  summary: "Create a setup link for a workspace's IT admin (sso, domains or directory); prints id, url (shown once) and expires_at.",
  flags: {
    workspace: { type: "string", required: true, description: "Workspace slug" },
    purpose: { type: "string", required: true, description: "sso | domains | directory" },
    "expires-in-days": { type: "string", description: "Days until it expires (default 7, at most 30)" },
    name: { type: "string", description: "Shown in the audit log as “setup link <name>” (default: purpose and date)" },
  },
  async run(ctx) {
    const ws = await findWorkspaceBySlug(ctx.db, str(ctx, "workspace"));
    if (!ws)
      throw new AppError("NOT_FOUND", {
        message: `No workspace with slug "${str(ctx, "workspace")}".`,
        hint: "Check the slug (see the console URL /w/<slug>).",
      });
    const days = optStr(ctx, "expires-in-days");
    const data = setupLinkCreateSchema.parse({ purpose: str(ctx, "purpose"), expiresInDays: days, name: optStr(ctx, "name") });
    const { link, url } = await createSetupLink(ctx.db, ws.id, data, OPERATOR, { appUrl: ctx.appUrl });
    ctx.print(`Created setup link "${link.name}" (${link.purpose}) for ${ws.slug}. Send this URL to the IT admin; it is not shown again:`);
    ctx.print("");
    ctx.print(`  ${url}`);
    ctx.print("");
    ctx.print(`id: ${link.id}`);
    ctx.print(`expires_at: ${link.expiresAt.toISOString()}`);
    return { id: link.id, url, expires_at: link.expiresAt.toISOString(), name: link.name, purpose: link.purpose, workspace: ws.slug };
  },
});

export const setupLinksRevoke = defineCommand({
  name: "setup-links:revoke",
  summary: "Revoke a setup link at once (the link and any browser that already opened it).",
  flags: { id: { type: "string", required: true, description: "Setup link id" } },
  async run(ctx) {
    const { id } = setupLinkRevokeSchema.parse({ id: str(ctx, "id") });
    const link = await revokeSetupLinkById(ctx.db, id, OPERATOR);
    ctx.print(`Revoked setup link "${link.name}" (${link.id}).`);
    return toSetupLinkJson(link);
  },
});
