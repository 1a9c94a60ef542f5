// GET /api/v1/connections/{id}/role-mappings and PUT (replace the full, ordered list).
import { apiRoute } from "@/lib/api/handler";
import { idParamsSchema } from "@/lib/api/schemas/common";
import { apiRoleMappingsReplaceSchema } from "@/lib/api/schemas/connections";
import { listRoleMappings, replaceRoleMappings } from "@/lib/services/role-mapping";

export const GET = apiRoute({ minRole: "viewer", params: idParamsSchema }, async (ctx) => {
  return { data: await listRoleMappings(ctx.db, ctx.workspace.id, ctx.params.id), nextCursor: null };
});

export const PUT = apiRoute({ minRole: "owner", params: idParamsSchema, body: apiRoleMappingsReplaceSchema }, async (ctx) => {
  return { data: await replaceRoleMappings(ctx.db, ctx.workspace.id, ctx.params.id, ctx.body.rules, ctx.actor), nextCursor: null };
});
