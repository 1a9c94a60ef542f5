// GET /api/v1/sso-events/{id}: one sign-in attempt with its detail (expected/actual values).
import { apiRoute } from "@/lib/api/handler";
import { idParamsSchema } from "@/lib/api/schemas/common";
import { toSsoEventDto } from "@/lib/api/dto/sso-events";
import { getSsoEventOrThrow } from "@/lib/services/sso-events";

export const GET = apiRoute({ minRole: "viewer", params: idParamsSchema }, async (ctx) => {
  return { data: toSsoEventDto(await getSsoEventOrThrow(ctx.db, ctx.workspace.id, ctx.params.id)) };
});
