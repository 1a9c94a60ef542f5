// POST /api/v1/directories/{id}/token: a new bearer token (once); earlier ones work for the overlap.
import { apiRoute } from "@/lib/api/handler";
import { idParamsSchema } from "@/lib/api/schemas/common";
import { apiDirectoryTokenRotateSchema } from "@/lib/api/schemas/directories";
import { rotateDirectoryToken } from "@/lib/services/directories";

export const POST = apiRoute({ minRole: "admin", params: idParamsSchema, body: apiDirectoryTokenRotateSchema }, async (ctx) => {
  const r = await rotateDirectoryToken(ctx.db, ctx.workspace.id, ctx.params.id, ctx.body, ctx.actor);
  return { status: 201, data: { token: r.token, previous_valid_until: r.previousValidUntil.toISOString() } };
});
