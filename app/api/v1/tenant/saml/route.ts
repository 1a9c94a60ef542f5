// PUT /api/v1/tenant/saml: one-call SAML setup for an email domain (creates or updates its connection).
import { toTenantSamlDto } from "@/lib/api/dto/tenant-saml";
import { withApiFieldNames } from "@/lib/api/field-errors";
import { apiRoute } from "@/lib/api/handler";
import { tenantSamlInputSchema } from "@/lib/api/schemas/tenant-saml";
import { env } from "@/lib/env";
import { upsertTenantSaml } from "@/lib/services/tenant-saml";

/** Service field names → this endpoint's. */
const FIELD: Record<string, string> = {
  domain: "email_domain",
  "manual.certificatePem": "certificate",
  "manual.entityId": "entity_id",
  "manual.ssoUrl": "sso_url",
  defaultRole: "default_role",
  jitProvisioning: "jit_provisioning",
  active: "enabled",
};

export const PUT = apiRoute({ minRole: "owner", body: tenantSamlInputSchema }, async (ctx) => {
  const b = ctx.body;
  const result = await withApiFieldNames(
    (p) => FIELD[p] ?? p,
    () =>
      upsertTenantSaml(
        ctx.db,
        ctx.workspace,
        {
          enabled: b.enabled,
          entityId: b.entity_id,
          ssoUrl: b.sso_url,
          certificate: b.certificate,
          emailDomain: b.email_domain,
          jitProvisioning: b.jit_provisioning,
          defaultRole: b.default_role === "member" ? "viewer" : b.default_role,
        },
        ctx.actor,
      ),
  );
  return { data: toTenantSamlDto(result, env().appUrl), status: result.created ? 201 : 200 };
});
