// GET /api/v1/directories/{id}/users: the users the directory provisioned, with their membership.
import { toDirectoryUserDto } from "@/lib/api/dto/directories";
import { apiRoute } from "@/lib/api/handler";
import { idParamsSchema } from "@/lib/api/schemas/common";
import { directoryListQuerySchema } from "@/lib/api/schemas/directories";
import { listSyncedUsers } from "@/lib/services/directories";

export const GET = apiRoute({ minRole: "admin", params: idParamsSchema, query: directoryListQuerySchema }, async (ctx) => {
  const rows = await listSyncedUsers(ctx.db, ctx.workspace.id, ctx.params.id, ctx.query);
  return { data: rows.map(toDirectoryUserDto), nextCursor: null };
});
