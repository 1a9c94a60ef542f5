// POST /api/v1/connections/{id}/metadata/refresh: fetch the IdP metadata URL now.
import { apiRoute } from "@/lib/api/handler";
import { idParamsSchema } from "@/lib/api/schemas/common";
import { env } from "@/lib/env";
import { toConnectionDto } from "@/lib/api/dto/connections";
import { refreshConnectionMetadata } from "@/lib/services/connections";

export const POST = apiRoute({ minRole: "admin", params: idParamsSchema, idempotent: true }, async (ctx) => {
  const c = await refreshConnectionMetadata(ctx.db, ctx.workspace.id, ctx.params.id, ctx.actor);
  return { data: toConnectionDto(c, env().appUrl) };
});
