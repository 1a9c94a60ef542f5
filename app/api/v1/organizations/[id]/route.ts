// GET, PATCH (name, external_id) and DELETE /api/v1/organizations/{id} — operator keys only.
// An organization's own resources are at /api/v1/organizations/{id}/… (proxy.ts routes them to the workspace routes).
import { toOrganizationDto } from "@/lib/api/dto/organizations";
import { operatorRoute } from "@/lib/api/handler";
import { idParamsSchema } from "@/lib/api/schemas/common";
import { apiOrganizationUpdateSchema } from "@/lib/api/schemas/organizations";
import { deleteOrganization, getOrganizationOrThrow, updateOrganization } from "@/lib/services/organizations";

export const GET = operatorRoute({ params: idParamsSchema }, async (ctx) => {
  return { data: toOrganizationDto(await getOrganizationOrThrow(ctx.db, ctx.params.id)) };
});

export const PATCH = operatorRoute({ params: idParamsSchema, body: apiOrganizationUpdateSchema }, async (ctx) => {
  return { data: toOrganizationDto(await updateOrganization(ctx.db, ctx.params.id, ctx.body)) };
});

export const DELETE = operatorRoute({ params: idParamsSchema }, async (ctx) => {
  await deleteOrganization(ctx.db, ctx.params.id);
  return { data: { id: ctx.params.id, deleted: true } };
});
