// POST /api/v1/domains/{id}/verify — look the TXT record up now; failure → 422 DNS_RECORD_MISSING |
// DNS_RECORD_MISMATCH, 502 DNS_ERROR, 409 DOMAIN_TAKEN (the reason is also stored on the domain).
import { apiRoute } from "@/lib/api/handler";
import { idParamsSchema } from "@/lib/api/schemas/common";
import { toDomainDto } from "@/lib/api/dto/domains";
import { verifyDomain } from "@/lib/services/domains";

export const POST = apiRoute({ minRole: "admin", params: idParamsSchema }, async (ctx) => {
  return { data: toDomainDto(await verifyDomain(ctx.db, ctx.workspace.id, ctx.params.id, ctx.actor)) };
});
