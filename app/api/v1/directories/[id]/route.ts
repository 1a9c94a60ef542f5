// GET /api/v1/directories/{id}, PATCH (name, on/off, default role, access by group, connection) and DELETE.
import { toDirectoryDto } from "@/lib/api/dto/directories";
import { apiRoute } from "@/lib/api/handler";
import { idParamsSchema } from "@/lib/api/schemas/common";
import { apiDirectoryUpdateSchema } from "@/lib/api/schemas/directories";
import { env } from "@/lib/env";
import { deleteDirectory, getDirectoryOrThrow, updateDirectory } from "@/lib/services/directories";

export const GET = apiRoute({ minRole: "admin", params: idParamsSchema }, async (ctx) => {
  return { data: toDirectoryDto(await getDirectoryOrThrow(ctx.db, ctx.workspace.id, ctx.params.id), env().appUrl) };
});

export const PATCH = apiRoute({ minRole: "admin", params: idParamsSchema, body: apiDirectoryUpdateSchema }, async (ctx) => {
  const d = await updateDirectory(ctx.db, ctx.workspace.id, ctx.params.id, ctx.body, ctx.actor);
  return { data: toDirectoryDto(d, env().appUrl) };
});

export const DELETE = apiRoute({ minRole: "admin", params: idParamsSchema }, async (ctx) => {
  await deleteDirectory(ctx.db, ctx.workspace.id, ctx.params.id, ctx.actor);
  return { data: { id: ctx.params.id, deleted: true } };
});
