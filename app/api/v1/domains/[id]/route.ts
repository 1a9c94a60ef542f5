// GET, PATCH (route: { connection_id }), DELETE /api/v1/domains/{id}.
import { toDomainDto } from "@/lib/api/dto/domains";
import { apiRoute } from "@/lib/api/handler";
import { idParamsSchema } from "@/lib/api/schemas/common";
import { apiDomainRouteSchema } from "@/lib/api/schemas/domains";
import { getDomainOrThrow, removeDomain, routeDomain } from "@/lib/services/domains";

export const GET = apiRoute({ minRole: "viewer", params: idParamsSchema }, async (ctx) => {
  return { data: toDomainDto(await getDomainOrThrow(ctx.db, ctx.workspace.id, ctx.params.id)) };
});

export const PATCH = apiRoute({ minRole: "admin", params: idParamsSchema, body: apiDomainRouteSchema }, async (ctx) => {
  const d = await routeDomain(ctx.db, ctx.workspace.id, ctx.params.id, ctx.body.connectionId, ctx.actor);
  return { data: toDomainDto(d) };
});

export const DELETE = apiRoute({ minRole: "admin", params: idParamsSchema }, async (ctx) => {
  await removeDomain(ctx.db, ctx.workspace.id, ctx.params.id, ctx.actor);
  return { data: { id: ctx.params.id, deleted: true } };
});
