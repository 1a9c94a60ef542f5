// GET /api/v1/connections/{id}/sp-encryption-keys and POST { action: stage | activate | retire } (owner).
import { apiRoute } from "@/lib/api/handler";
import { idParamsSchema } from "@/lib/api/schemas/common";
import { apiSpKeyActionSchema } from "@/lib/api/schemas/connections";
import { toSpEncryptionKeyDto } from "@/lib/api/dto/connections";
import { listSpEncryptionKeys, rotateSpEncryptionKey } from "@/lib/services/sp-encryption-keys";

export const GET = apiRoute({ minRole: "viewer", params: idParamsSchema }, async (ctx) => {
  const keys = await listSpEncryptionKeys(ctx.db, ctx.workspace.id, ctx.params.id);
  return { data: keys.map(toSpEncryptionKeyDto), nextCursor: null };
});

export const POST = apiRoute({ minRole: "owner", params: idParamsSchema, body: apiSpKeyActionSchema, idempotent: true }, async (ctx) => {
  const keys = await rotateSpEncryptionKey(ctx.db, ctx.workspace.id, ctx.params.id, ctx.body.action, ctx.actor);
  return { data: keys.map(toSpEncryptionKeyDto), nextCursor: null };
});
