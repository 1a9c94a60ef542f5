// GET (list), POST (add: 201, or 200 with the existing claim) /api/v1/domains.
import { toDomainDto } from "@/lib/api/dto/domains";
import { apiRoute } from "@/lib/api/handler";
import { apiDomainCreateSchema } from "@/lib/api/schemas/domains";
import { claimDomain, listDomains } from "@/lib/services/domains";

export const GET = apiRoute({ minRole: "viewer" }, async (ctx) => {
  const items = await listDomains(ctx.db, ctx.workspace.id);
  return { data: items.map(toDomainDto), nextCursor: null };
});

export const POST = apiRoute({ minRole: "admin", body: apiDomainCreateSchema, idempotent: true }, async (ctx) => {
  const { domain, created } = await claimDomain(ctx.db, ctx.workspace.id, ctx.body.domain, ctx.actor);
  return { data: toDomainDto(domain), status: created ? 201 : 200 };
});
