// GET /api/v1/directories/{id}/requests: the SCIM request log (30 days; bodies without secrets).
import { toScimRequestDto } from "@/lib/api/dto/directories";
import { apiRoute } from "@/lib/api/handler";
import { idParamsSchema } from "@/lib/api/schemas/common";
import { directoryListQuerySchema } from "@/lib/api/schemas/directories";
import { listScimRequests } from "@/lib/services/directories";

export const GET = apiRoute({ minRole: "admin", params: idParamsSchema, query: directoryListQuerySchema }, async (ctx) => {
  const rows = await listScimRequests(ctx.db, ctx.workspace.id, ctx.params.id, { limit: ctx.query.limit });
  return { data: rows.map(toScimRequestDto), nextCursor: null };
});
