import { apiTenantSamlSchema } from "@/lib/api/schemas/tenant-saml";
import { tenantSamlDtoSchema } from "@/lib/schemas/tenant-saml";
import { registerApiPath } from "../registry";

registerApiPath({
  minRole: "owner",
  method: "put",
  path: "/api/v1/tenant/saml",
  summary: "Set up SAML for an email domain in one call",
  description: [
    "Creates or updates the connection for `email_domain` and adds the domain (pending until its DNS TXT record is verified, see `domain.verification_record`). Answers 201 when it created the connection, 200 when it updated it; sending the same body again leaves the same configuration.",
    "",
    "**Which connection.** The one the domain is routed to; else the one whose slug is derived from the domain: lowercase, every run of other characters replaced by `-` (`company.com` → `company-com`); when another workspace holds that slug, `company-com-<workspace slug>`. A new connection is named `SSO for company.com`.",
    "",
    "**Fields.** `enabled` is the connection's active flag (false: sign-ins answer 410 `SAML_INACTIVE`). `entity_id`, `sso_url` and `certificate` are stored as a manual IdP entry. `jit_provisioning` defaults to true and `default_role` to viewer (`member` means viewer; owner is never granted). PUT replaces: omitted optional fields return to their defaults. Other fields are ignored.",
    "",
    "**Routing.** The domain is routed to the connection at once, so verifying the domain (POST /api/v1/domains/{id}/verify) is the only step left before users of that domain are sent to the IdP.",
  ].join("\n"),
  tags: ["Tenant"],
  body: apiTenantSamlSchema,
  response: tenantSamlDtoSchema,
  successDescription: "Updated (201 when created).",
  errors: ["DOMAIN_INVALID", "SLUG_TAKEN", "SAML_METADATA_INVALID", "VERSION_CONFLICT", "DOMAIN_TAKEN"],
});
