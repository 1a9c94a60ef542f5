import { z } from "zod";
import { connectionDtoSchema } from "./connections";

/**
 * One-call SAML setup for an email domain (PUT /api/v1/tenant/saml, the MITRITY shape). Unknown
 * fields (e.g. MITRITY's default_access_scope) are ignored.
 */
export const tenantSamlSchema = z.object({
  enabled: z.boolean().meta({
    description: "true: the connection is active (sign-ins allowed); false: it exists but refuses sign-ins (410 SAML_INACTIVE).",
  }),
  entityId: z
    .string()
    .trim()
    .min(1, "Required")
    .max(1024)
    .meta({ description: "The IdP's entity ID (Issuer).", example: "https://accounts.google.com/o/saml2?idpid=abc123" }),
  ssoUrl: z
    .url({ protocol: /^https?$/, error: "Enter an http(s) URL" })
    .max(2048)
    .meta({ description: "The IdP's single sign-on URL.", example: "https://accounts.google.com/o/saml2/idp?idpid=abc123" }),
  certificate: z
    .string()
    .trim()
    .min(1, "Required")
    .max(20_000, "Too long for a certificate")
    .meta({ description: "The IdP's X.509 signing certificate (PEM, or its base64 body)." }),
  emailDomain: z.string().trim().min(1, "Required").max(253).meta({
    description: "The email domain routed to this IdP, e.g. company.com. Added pending until its DNS TXT record is verified.",
    example: "company.com",
  }),
  jitProvisioning: z.boolean().default(true).meta({ description: "Create accounts at first sign-in (default true)." }),
  defaultRole: z
    .enum(["admin", "editor", "viewer", "member"], { error: "Role must be admin, editor or viewer (owner is never granted by an IdP)" })
    .default("viewer")
    .meta({ description: "Role of JIT-provisioned users (default viewer). `member` is accepted as viewer." })
    .transform((r) => (r === "member" ? "viewer" : r)),
});
export type TenantSamlInput = z.output<typeof tenantSamlSchema>;

// ── Output shapes (produced by lib/api/dto/tenant-saml.ts) ─────────────────────────────────────────
export const tenantSamlDomainDtoSchema = z
  .object({
    id: z.string(),
    domain: z.string(),
    status: z.enum(["pending", "verified", "failing"]),
    verification_record: z.object({ type: z.literal("TXT"), name: z.string(), value: z.string() }),
    verified_at: z.string().nullable(),
    connection_id: z.string().nullable(),
  })
  .meta({ id: "TenantSamlDomain" });

export const tenantSamlDtoSchema = connectionDtoSchema
  .extend({
    enabled: z.boolean(),
    entity_id: z.string(),
    sso_url: z.string(),
    email_domain: z.string(),
    configured_at: z.string(),
    created: z.boolean().meta({ description: "true when this call created the connection (HTTP 201), false when it updated it (200)." }),
    domain: tenantSamlDomainDtoSchema,
  })
  .meta({ id: "TenantSaml" });
