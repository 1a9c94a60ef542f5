// PATCH /api/v1/directories/{id}/groups/{groupId}: map the group to a role (or null); members follow at once.
import { toDirectoryGroupDto } from "@/lib/api/dto/directories";
import { apiRoute } from "@/lib/api/handler";
import { apiDirectoryGroupRoleSchema, directoryGroupParamsSchema } from "@/lib/api/schemas/directories";
import { AppError } from "@/lib/errors";
import { listSyncedGroups, setDirectoryGroupRole } from "@/lib/services/directories";

export const PATCH = apiRoute({ minRole: "admin", params: directoryGroupParamsSchema, body: apiDirectoryGroupRoleSchema }, async (ctx) => {
  await setDirectoryGroupRole(ctx.db, ctx.workspace.id, ctx.params.id, ctx.params.groupId, ctx.body.role, ctx.actor);
  const group = (await listSyncedGroups(ctx.db, ctx.workspace.id, ctx.params.id)).find((g) => g.id === ctx.params.groupId);
  if (!group) throw new AppError("NOT_FOUND");
  return { data: toDirectoryGroupDto(group) };
});
