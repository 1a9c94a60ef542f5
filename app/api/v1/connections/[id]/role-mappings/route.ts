// GET /api/v1/connections/{id}/role-mappings and PUT (replace the full, ordered list).
import { toRoleMappingDto } from "@/lib/api/dto/connections";
import { apiRoute } from "@/lib/api/handler";
import { idParamsSchema } from "@/lib/api/schemas/common";
import { apiRoleMappingsReplaceSchema } from "@/lib/api/schemas/connections";
import { listRoleMappings, replaceRoleMappings } from "@/lib/services/role-mapping";

export const GET = apiRoute({ minRole: "viewer", params: idParamsSchema }, async (ctx) => {
  const rules = await listRoleMappings(ctx.db, ctx.workspace.id, ctx.params.id);
  return { data: rules.map(toRoleMappingDto), nextCursor: null };
});

export const PUT = apiRoute({ minRole: "owner", params: idParamsSchema, body: apiRoleMappingsReplaceSchema }, async (ctx) => {
  const { rules, version } = ctx.body;
  const saved = await replaceRoleMappings(ctx.db, ctx.workspace.id, ctx.params.id, rules, ctx.actor, { expectedVersion: version });
  return { data: saved.rules.map(toRoleMappingDto), nextCursor: null };
});
