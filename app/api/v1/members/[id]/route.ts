// GET /api/v1/members/{id}, PATCH (role and/or disabled) and DELETE (remove; access ends on the next request).
import { toMemberDto } from "@/lib/api/dto/members";
import { apiRoute } from "@/lib/api/handler";
import { idParamsSchema } from "@/lib/api/schemas/common";
import { apiMemberUpdateSchema } from "@/lib/api/schemas/members";
import { changeMemberRole, getMemberOrThrow, removeMember, setMemberDisabled } from "@/lib/services/members";

export const GET = apiRoute({ minRole: "viewer", params: idParamsSchema }, async (ctx) => {
  return { data: toMemberDto(await getMemberOrThrow(ctx.db, ctx.workspace.id, ctx.params.id)) };
});

export const PATCH = apiRoute({ minRole: "admin", params: idParamsSchema, body: apiMemberUpdateSchema }, async (ctx) => {
  const actor = ctx.actor;
  if (ctx.body.role !== undefined) await changeMemberRole(ctx.db, ctx.workspace.id, ctx.params.id, ctx.body.role, actor);
  if (ctx.body.disabled !== undefined) await setMemberDisabled(ctx.db, ctx.workspace.id, ctx.params.id, ctx.body.disabled, actor);
  return { data: toMemberDto(await getMemberOrThrow(ctx.db, ctx.workspace.id, ctx.params.id)) };
});

export const DELETE = apiRoute({ minRole: "admin", params: idParamsSchema }, async (ctx) => {
  await removeMember(ctx.db, ctx.workspace.id, ctx.params.id, ctx.actor);
  return { data: { id: ctx.params.id, deleted: true } };
});
