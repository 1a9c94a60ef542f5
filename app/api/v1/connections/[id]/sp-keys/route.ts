// GET /api/v1/connections/{id}/sp-keys and POST { action: stage | activate | retire }.
import { apiRoute } from "@/lib/api/handler";
import { idParamsSchema } from "@/lib/api/schemas/common";
import { apiSpKeyActionSchema } from "@/lib/api/schemas/connections";
import { toSpKeyDto } from "@/lib/api/dto/connections";
import { listSpKeys, rotateSpKey } from "@/lib/services/sp-keys";

export const GET = apiRoute({ minRole: "viewer", params: idParamsSchema }, async (ctx) => {
  const keys = await listSpKeys(ctx.db, ctx.workspace.id, ctx.params.id);
  return { data: keys.map(toSpKeyDto), nextCursor: null };
});

export const POST = apiRoute({ minRole: "admin", params: idParamsSchema, body: apiSpKeyActionSchema, idempotent: true }, async (ctx) => {
  const keys = await rotateSpKey(ctx.db, ctx.workspace.id, ctx.params.id, ctx.body.action, ctx.actor);
  return { data: keys.map(toSpKeyDto), nextCursor: null };
});
