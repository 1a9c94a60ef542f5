// GET /api/v1/organizations (list, cursor-paginated; ?external_id=) and POST (create) — operator keys only.
import { toOrganizationDto } from "@/lib/api/dto/organizations";
import { operatorRoute } from "@/lib/api/handler";
import { apiOrganizationCreateSchema, apiOrganizationListQuerySchema } from "@/lib/api/schemas/organizations";
import { createOrganization, listOrganizations } from "@/lib/services/organizations";

export const GET = operatorRoute({ query: apiOrganizationListQuerySchema }, async (ctx) => {
  const page = await listOrganizations(ctx.db, ctx.query);
  return { data: page.items.map(toOrganizationDto), nextCursor: page.nextCursor };
});

export const POST = operatorRoute({ body: apiOrganizationCreateSchema, idempotent: true }, async (ctx) => {
  const { organization } = await createOrganization(ctx.db, ctx.body);
  return { data: toOrganizationDto(organization), status: 201 };
});
