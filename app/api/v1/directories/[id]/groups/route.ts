// GET /api/v1/directories/{id}/groups: the directory's groups, their role mapping and member counts.
import { toDirectoryGroupDto } from "@/lib/api/dto/directories";
import { apiRoute } from "@/lib/api/handler";
import { idParamsSchema } from "@/lib/api/schemas/common";
import { listSyncedGroups } from "@/lib/services/directories";

export const GET = apiRoute({ minRole: "admin", params: idParamsSchema }, async (ctx) => {
  const rows = await listSyncedGroups(ctx.db, ctx.workspace.id, ctx.params.id);
  return { data: rows.map(toDirectoryGroupDto), nextCursor: null };
});
