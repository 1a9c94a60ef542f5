// GET, PUT { ranges, exempt_break_glass_owners?, confirm_lockout? }, DELETE /api/v1/workspace/ip-allowlist — owners only.
import { toIpAllowlistDto } from "@/lib/api/dto/ip-allowlist";
import { apiRoute } from "@/lib/api/handler";
import { apiIpAllowlistUpdateSchema } from "@/lib/api/schemas/ip-allowlist";
import { clearIpAllowlist, getIpAllowlist, setIpAllowlist } from "@/lib/services/ip-allowlist";

export const GET = apiRoute({ minRole: "owner" }, async (ctx) => {
  return { data: toIpAllowlistDto(await getIpAllowlist(ctx.db, ctx.workspace.id), ctx.ip) };
});

// Ranges that exclude the calling address are refused (409) unless confirm_lockout is the workspace's slug.
export const PUT = apiRoute({ minRole: "owner", body: apiIpAllowlistUpdateSchema }, async (ctx) => {
  return { data: toIpAllowlistDto(await setIpAllowlist(ctx.db, ctx.workspace.id, ctx.body, ctx.actor), ctx.ip) };
});

export const DELETE = apiRoute({ minRole: "owner" }, async (ctx) => {
  return { data: toIpAllowlistDto(await clearIpAllowlist(ctx.db, ctx.workspace.id, ctx.actor), ctx.ip) };
});
