import { AppError } from "@/lib/errors";
import { ipAllowlistUpdateSchema } from "@/lib/schemas/ip-allowlist";
import { OPERATOR } from "@/lib/services/actor";
import { clearIpAllowlist, getIpAllowlist, setIpAllowlist } from "@/lib/services/ip-allowlist";
import { createWorkspace, findWorkspaceBySlug } from "@/lib/services/workspaces";
import { bool, defineCommand, optStr, str } from "../command";

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

/**
 * The operator's way in when owners locked themselves out (no address to confirm: the CLI is not a
 * browser). `--set` replaces the ranges and keeps the break-glass exemption as it was.
 */
export const workspacesIpAllowlist = defineCommand({
  name: "workspaces:ip-allowlist",
  summary: "Set (--set CIDR[,CIDR…]) or clear (--clear) a workspace's sign-in IP allowlist (IPv4 and IPv6 ranges).",
  flags: {
    workspace: { type: "string", required: true, description: "Workspace slug" },
    set: { type: "string", description: "Comma-separated CIDR ranges or addresses, e.g. 203.0.113.0/24,2001:db8::/32" },
    clear: { type: "boolean", description: "Remove every range: any address may sign in again" },
  },
  oneOf: [["set", "clear"]],
  async run(ctx) {
    const slug = str(ctx, "workspace");
    const ws = await findWorkspaceBySlug(ctx.db, slug);
    if (!ws)
      throw new AppError("NOT_FOUND", {
        message: `No workspace with slug "${slug}".`,
        hint: "Check the slug (see the console URL /w/<slug>).",
      });
    let state;
    if (bool(ctx, "clear")) {
      state = await clearIpAllowlist(ctx.db, ws.id, OPERATOR);
      ctx.print(`IP allowlist for ${ws.slug}: cleared (every address may sign in).`);
    } else {
      const current = await getIpAllowlist(ctx.db, ws.id);
      const input = ipAllowlistUpdateSchema.parse({
        ranges: (optStr(ctx, "set") ?? "").split(",").map((e) => e.trim()),
        exemptBreakGlassOwners: current.exemptBreakGlassOwners,
      });
      state = await setIpAllowlist(ctx.db, ws.id, input, OPERATOR);
      ctx.print(`IP allowlist for ${ws.slug}: ${state.ranges.join(", ")}`);
      if (state.exemptBreakGlassOwners) ctx.print("  break-glass owners are exempt");
    }
    return {
      workspace: { id: ws.id, slug: ws.slug },
      enabled: state.ranges.length > 0,
      ranges: state.ranges,
      exempt_break_glass_owners: state.exemptBreakGlassOwners,
    };
  },
});
