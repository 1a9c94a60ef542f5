import { createWorkspace } from "@/lib/services/workspaces";
import { defineCommand, optStr, str } from "../command";

export const workspacesCreate = defineCommand({
  name: "workspaces:create",
  summary: "Create a workspace and its owner (the owner account is created when the email is new).",
  flags: {
    slug: { type: "string", required: true, description: "URL slug, e.g. acme" },
    name: { type: "string", required: true, description: "Display name" },
    "owner-email": { type: "string", required: true, description: "Email of the first owner" },
    "owner-password": { type: "string", description: "Password for a new owner account (optional; else they use SSO or set-password)" },
  },
  async run(ctx) {
    const { workspace, owner } = await createWorkspace(ctx.db, {
      slug: str(ctx, "slug"),
      name: str(ctx, "name"),
      ownerEmail: str(ctx, "owner-email"),
      ownerPassword: optStr(ctx, "owner-password"),
    });
    ctx.print(`Created workspace ${workspace.name} (${workspace.slug}) with owner ${owner.email}`);
    ctx.print(`Console: ${ctx.appUrl}/w/${workspace.slug}`);
    return {
      workspace: { id: workspace.id, slug: workspace.slug, name: workspace.name, created_at: workspace.createdAt.toISOString() },
      owner: { id: owner.id, email: owner.email },
    };
  },
});
