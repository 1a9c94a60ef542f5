// GET, PATCH (with `version`), DELETE /api/v1/connections/{id}.
import { toConnectionDto } from "@/lib/api/dto/connections";
import { apiRoute } from "@/lib/api/handler";
import { idParamsSchema } from "@/lib/api/schemas/common";
import { apiConnectionUpdateSchema } from "@/lib/api/schemas/connections";
import { env } from "@/lib/env";
import { deleteConnection, getConnectionOrThrow, updateConnection } from "@/lib/services/connections";

export const GET = apiRoute({ minRole: "viewer", params: idParamsSchema }, async (ctx) => {
  const c = await getConnectionOrThrow(ctx.db, ctx.workspace.id, ctx.params.id);
  return { data: toConnectionDto(c, env().appUrl) };
});

export const PATCH = apiRoute({ minRole: "admin", params: idParamsSchema, body: apiConnectionUpdateSchema }, async (ctx) => {
  const c = await updateConnection(ctx.db, ctx.workspace.id, ctx.params.id, ctx.body, ctx.actor);
  return { data: toConnectionDto(c, env().appUrl) };
});

export const DELETE = apiRoute({ minRole: "admin", params: idParamsSchema }, async (ctx) => {
  await deleteConnection(ctx.db, ctx.workspace.id, ctx.params.id, ctx.actor);
  return { data: { id: ctx.params.id, deleted: true } };
});
