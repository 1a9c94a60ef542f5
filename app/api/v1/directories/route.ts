// GET /api/v1/directories (list) and POST (create; the bearer token is in the response, once).
import { toDirectoryDto } from "@/lib/api/dto/directories";
import { apiRoute } from "@/lib/api/handler";
import { apiDirectoryCreateSchema } from "@/lib/api/schemas/directories";
import { env } from "@/lib/env";
import { createDirectory, listDirectories } from "@/lib/services/directories";

export const GET = apiRoute({ minRole: "admin" }, async (ctx) => {
  const rows = await listDirectories(ctx.db, ctx.workspace.id);
  return { data: rows.map((d) => toDirectoryDto(d, env().appUrl)), nextCursor: null };
});

export const POST = apiRoute({ minRole: "admin", body: apiDirectoryCreateSchema, idempotent: true }, async (ctx) => {
  const { directory, token } = await createDirectory(ctx.db, ctx.workspace.id, ctx.body, ctx.actor);
  const dto = toDirectoryDto(directory, env().appUrl);
  // The token is shown once: the idempotency store keeps (and a replay returns) the answer without it.
  return { status: 201, data: { ...dto, token }, replayData: { ...dto, token: null } };
});
