import { z } from "zod";
import { MAPPABLE_ROLES } from "@/lib/auth/roles";

/**
 * A same-origin relative path ("/x?y#z"): not "//host", not "/\\host", no scheme, no control
 * characters (browsers drop tabs/newlines, turning "/\t/evil" into "//evil"). Returns null otherwise.
 */
export function safeRelativePath(value: unknown): string | null {
  if (typeof value !== "string" || value.length === 0 || value.length > 2048) return null;
  if (!value.startsWith("/") || value.startsWith("//")) return null;
  if (/[\\\u0000-\u001f\u007f]/.test(value)) return null;
  try {
    const u = new URL(value, "http://gatehouse.invalid");
    if (u.origin !== "http://gatehouse.invalid") return null;
    // Dot segments are resolved here ("/.//evil.test" → "//evil.test"): the result must still be a path.
    if (u.pathname.startsWith("//")) return null;
    return u.pathname + u.search + u.hash;
  } catch {
    return null;
  }
}

export const connectionSlugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(2, "At least 2 characters")
  .max(63, "At most 63 characters")
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, "Use lowercase letters, digits and dashes; start and end with a letter or digit");

export const IDP_TYPES = ["okta", "entra", "google", "onelogin", "jumpcloud", "ping", "auth0", "dev", "other"] as const;

const relativePathSchema = z
  .string()
  .trim()
  .refine((v) => safeRelativePath(v) !== null, "Use a path on this site starting with /, e.g. /dashboard");

const pemSchema = z.string().trim().min(1, "Required").max(20_000, "Too long for a certificate");

/** Exactly one way of giving the IdP's details (or none yet). */
export const metadataInputSchema = z.union([
  z.object({ metadataUrl: z.url({ protocol: /^https?$/, error: "Enter an http(s) URL" }).max(2048) }),
  z.object({ metadataXml: z.string().trim().min(1, "Required").max(1_000_000, "Metadata is larger than 1 MB") }),
  z.object({
    manual: z.object({
      entityId: z.string().trim().min(1, "Required").max(1024),
      ssoUrl: z.url({ protocol: /^https?$/, error: "Enter an http(s) URL" }).max(2048),
      certificatePem: pemSchema,
    }),
  }),
]);
export type MetadataInput = z.infer<typeof metadataInputSchema>;

const settings = {
  name: z.string().trim().min(1, "Required").max(100, "At most 100 characters"),
  idpType: z.enum(IDP_TYPES),
  active: z.boolean(),
  defaultRole: z.enum(MAPPABLE_ROLES),
  allowIdpInitiated: z.boolean(),
  defaultRedirect: relativePathSchema,
  jitProvisioning: z.boolean(),
  allowAccountLinking: z.boolean(),
  requireVerifiedDomains: z.boolean().nullable(),
  applyMappingEveryLogin: z.boolean(),
  syncProfileEveryLogin: z.boolean(),
  allowSha1: z.boolean(),
  clockSkewSeconds: z.number().int().min(0).max(300).nullable(),
};

/** Where the IdP's metadata comes from (any one of them; the service checks exactly one is given). */
const idpMetadataSource = {
  metadataUrl: z
    .url({ protocol: /^https?$/, error: "Enter an http(s) URL" })
    .max(2048)
    .optional(),
  metadataXml: z.string().trim().min(1).max(1_000_000, "Metadata is larger than 1 MB").optional(),
  manual: z
    .object({
      entityId: z.string().trim().min(1, "Required").max(1024),
      ssoUrl: z.url({ protocol: /^https?$/, error: "Enter an http(s) URL" }).max(2048),
      certificatePem: pemSchema,
    })
    .optional(),
};

export const connectionCreateSchema = z.object({
  ...settings,
  slug: connectionSlugSchema,
  idpType: settings.idpType.default("other"),
  active: settings.active.default(true),
  defaultRole: settings.defaultRole.default("viewer"),
  allowIdpInitiated: settings.allowIdpInitiated.default(false),
  defaultRedirect: settings.defaultRedirect.default("/"),
  jitProvisioning: settings.jitProvisioning.default(true),
  allowAccountLinking: settings.allowAccountLinking.default(true),
  requireVerifiedDomains: settings.requireVerifiedDomains.optional(),
  applyMappingEveryLogin: settings.applyMappingEveryLogin.default(false),
  syncProfileEveryLogin: settings.syncProfileEveryLogin.default(false),
  allowSha1: settings.allowSha1.default(false),
  clockSkewSeconds: settings.clockSkewSeconds.optional(),
  ...idpMetadataSource,
});
export type ConnectionCreateInput = z.input<typeof connectionCreateSchema>;

/** A patch: every field optional except the version the editor loaded. The slug is immutable. */
export const connectionUpdateSchema = z.object({
  version: z.number().int().min(1),
  name: settings.name.optional(),
  idpType: settings.idpType.optional(),
  active: settings.active.optional(),
  defaultRole: settings.defaultRole.optional(),
  allowIdpInitiated: settings.allowIdpInitiated.optional(),
  defaultRedirect: settings.defaultRedirect.optional(),
  jitProvisioning: settings.jitProvisioning.optional(),
  allowAccountLinking: settings.allowAccountLinking.optional(),
  requireVerifiedDomains: settings.requireVerifiedDomains.optional(),
  applyMappingEveryLogin: settings.applyMappingEveryLogin.optional(),
  syncProfileEveryLogin: settings.syncProfileEveryLogin.optional(),
  allowSha1: settings.allowSha1.optional(),
  clockSkewSeconds: settings.clockSkewSeconds.optional(),
  ...idpMetadataSource,
});
export type ConnectionUpdateInput = z.input<typeof connectionUpdateSchema>;

export const spKeyActionSchema = z.object({ action: z.enum(["stage", "activate", "retire"]) });

// ── Output shapes (documented in OpenAPI; produced by lib/services/connection-dto.ts) ─────────────
export const spValuesDtoSchema = z.object({
  entity_id: z.string(),
  acs_url: z.string(),
  metadata_url: z.string(),
  login_url: z.string(),
});

export const idpCertificateDtoSchema = z.object({
  subject: z.string(),
  not_before: z.string(),
  not_after: z.string(),
  fingerprint_sha256: z.string(),
  pem: z.string(),
});

export const connectionDtoSchema = z.object({
  id: z.string(),
  workspace_id: z.string(),
  name: z.string(),
  slug: z.string(),
  idp_type: z.string(),
  active: z.boolean(),
  configured: z.boolean(),
  default_role: z.string(),
  idp_entity_id: z.string().nullable(),
  idp_sso_url_redirect: z.string().nullable(),
  idp_sso_url_post: z.string().nullable(),
  idp_slo_url: z.string().nullable(),
  idp_certificates: z.array(idpCertificateDtoSchema),
  metadata_source: z.enum(["url", "xml", "manual"]).nullable(),
  metadata_url: z.string().nullable(),
  metadata_fetched_at: z.string().nullable(),
  metadata_error: z.string().nullable(),
  allow_idp_initiated: z.boolean(),
  default_redirect: z.string(),
  jit_provisioning: z.boolean(),
  allow_account_linking: z.boolean(),
  require_verified_domains: z.boolean().nullable(),
  apply_mapping_every_login: z.boolean(),
  sync_profile_every_login: z.boolean(),
  allow_sha1: z.boolean(),
  clock_skew_seconds: z.number().nullable(),
  trust_approval: z
    .object({
      via: z.enum(["owner", "operator", "api_key"]).nullable(),
      at: z.string().nullable(),
      by_user_id: z.string().nullable(),
    })
    .meta({
      description:
        "Who last approved what the connection trusts (IdP, certificates, linking, roles). Owners and admins can sign in through it only while that is a current owner of the workspace or the operator.",
    }),
  version: z.number(),
  sp: spValuesDtoSchema,
  created_at: z.string(),
  updated_at: z.string(),
});

export const spKeyDtoSchema = z.object({
  id: z.string(),
  state: z.enum(["next", "active", "retired"]),
  certificate_pem: z.string(),
  not_after: z.string(),
  created_at: z.string(),
  activated_at: z.string().nullable(),
  retired_at: z.string().nullable(),
});

export const ssoEventDtoSchema = z.object({
  id: z.string(),
  connection_id: z.string().nullable(),
  outcome: z.enum(["success", "failure"]),
  error_code: z.string().nullable(),
  email: z.string().nullable(),
  flow: z.enum(["sp", "idp"]).nullable(),
  test_mode: z.boolean(),
  user_id: z.string().nullable(),
  ip: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
  created_at: z.string(),
});

export const ssoEventListQuerySchema = z.object({
  connection_id: z.uuid().optional(),
  outcome: z.enum(["success", "failure"]).optional(),
  email: z.string().trim().max(320).optional(),
  since: z.coerce.date().optional(),
  until: z.coerce.date().optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});
