// GET, PATCH (with `version`), DELETE /api/v1/connections/{id}.
import { apiRoute } from "@/lib/api/handler";
import { withApiFieldNames } from "@/lib/api/field-errors";
import { idParamsSchema } from "@/lib/api/schemas/common";
import { apiConnectionUpdateSchema, connectionFieldPath, toConnectionUpdateInput } from "@/lib/api/schemas/connections";
import { env } from "@/lib/env";
import { toConnectionDto } from "@/lib/services/connection-dto";
import { deleteConnection, getConnectionOrThrow, updateConnection } from "@/lib/services/connections";

export const GET = apiRoute({ minRole: "viewer", params: idParamsSchema }, async (ctx) => {
  const c = await getConnectionOrThrow(ctx.db, ctx.workspace.id, ctx.params.id);
  return { data: toConnectionDto(c, env().appUrl) };
});

export const PATCH = apiRoute({ minRole: "admin", params: idParamsSchema, body: apiConnectionUpdateSchema }, async (ctx) => {
  const c = await withApiFieldNames(connectionFieldPath, () =>
    updateConnection(ctx.db, ctx.workspace.id, ctx.params.id, toConnectionUpdateInput(ctx.body), ctx.actor),
  );
  return { data: toConnectionDto(c, env().appUrl) };
});

export const DELETE = apiRoute({ minRole: "admin", params: idParamsSchema }, async (ctx) => {
  await deleteConnection(ctx.db, ctx.workspace.id, ctx.params.id, ctx.actor);
  return { data: { id: ctx.params.id, deleted: true } };
});
