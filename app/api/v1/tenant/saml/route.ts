// PUT /api/v1/tenant/saml: one-call SAML setup for an email domain (creates or updates its connection).
import { toTenantSamlDto } from "@/lib/api/dto/tenant-saml";
import { apiRoute } from "@/lib/api/handler";
import { apiTenantSamlSchema } from "@/lib/api/schemas/tenant-saml";
import { env } from "@/lib/env";
import { upsertTenantSaml } from "@/lib/services/tenant-saml";

export const PUT = apiRoute({ minRole: "owner", body: apiTenantSamlSchema }, async (ctx) => {
  const result = await upsertTenantSaml(ctx.db, ctx.workspace, ctx.body, ctx.actor);
  return { data: toTenantSamlDto(result, env().appUrl), status: result.created ? 201 : 200 };
});
