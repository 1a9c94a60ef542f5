// GET, PUT { mode, confirm? } /api/v1/workspace/enforcement — the workspace's SSO enforcement.
import { toEnforcementDto } from "@/lib/api/dto/domains";
import { apiRoute } from "@/lib/api/handler";
import { apiEnforcementUpdateSchema } from "@/lib/api/schemas/domains";
import { getEnforcement, setEnforcement } from "@/lib/services/sso-enforcement";

export const GET = apiRoute({}, async (ctx) => {
  return { data: toEnforcementDto(await getEnforcement(ctx.db, ctx.workspace.id)) };
});

// A script is explicit: lock-out warnings are returned, not blocking, unless it sends confirm: false.
export const PUT = apiRoute({ body: apiEnforcementUpdateSchema }, async (ctx) => {
  const r = await setEnforcement(ctx.db, ctx.workspace.id, ctx.body.mode, ctx.actor, { confirm: ctx.body.confirm ?? true });
  return { data: toEnforcementDto(r) };
});
