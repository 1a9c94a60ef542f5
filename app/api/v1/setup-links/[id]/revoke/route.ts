// POST /api/v1/setup-links/{id}/revoke — the link and every browser that opened it stop working at once. Owners only.
import { apiRoute } from "@/lib/api/handler";
import { idParamsSchema } from "@/lib/api/schemas/common";
import { revokeSetupLink, toSetupLinkJson } from "@/lib/services/setup-links";

export const POST = apiRoute({ minRole: "owner", params: idParamsSchema }, async (ctx) => {
  return { data: toSetupLinkJson(await revokeSetupLink(ctx.db, ctx.workspace.id, ctx.params.id, ctx.actor)) };
});
