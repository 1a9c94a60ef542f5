// GET, PUT { mode, confirm? } /api/v1/workspace/enforcement — the workspace's SSO enforcement.
import { toEnforcementDto } from "@/lib/api/dto/domains";
import { apiRoute } from "@/lib/api/handler";
import { apiEnforcementUpdateSchema } from "@/lib/api/schemas/domains";
import { getEnforcement, setEnforcement } from "@/lib/services/sso-enforcement";

export const GET = apiRoute({ minRole: "viewer" }, async (ctx) => {
  return { data: toEnforcementDto(await getEnforcement(ctx.db, ctx.workspace.id)) };
});

// Lock-out warnings block the change unless the request states "confirm": true (nothing is skipped silently).
export const PUT = apiRoute({ minRole: "owner", body: apiEnforcementUpdateSchema }, async (ctx) => {
  const r = await setEnforcement(ctx.db, ctx.workspace.id, ctx.body.mode, ctx.actor, { confirm: ctx.body.confirm === true });
  return { data: toEnforcementDto(r) };
});
