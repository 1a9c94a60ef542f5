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
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, "Lowercase letters, digits and dashes; start and end with a letter or digit");

export const IDP_TYPES = ["okta", "entra", "google", "onelogin", "jumpcloud", "ping", "auth0", "dev", "other"] as const;

/** A same-origin path (checked by safeRelativePath), e.g. the default redirect after IdP-initiated sign-in. */
export const relativePathSchema = z
  .string()
  .trim()
  .refine((v) => safeRelativePath(v) !== null, "Use a path on this site starting with /, e.g. /dashboard");

const httpUrl = z.url({ protocol: /^https?$/, error: "Enter an http(s) URL" }).max(2048);

/** The IdP's single logout URL (HTTP-Redirect): from the metadata's SingleLogoutService, or set by hand; null turns SLO off. */
export const idpSloUrlSchema = httpUrl.nullable().meta({
  description: "The IdP's single logout URL (SAML SLO, HTTP-Redirect binding). null: sign-out stays local to Gatehouse.",
});

/** The console's single logout card: the IdP SLO URL, empty = none. */
export const sloSettingsSchema = z.object({
  idpSloUrl: z
    .string()
    .trim()
    .max(2048)
    .refine((v) => v === "" || /^https?:\/\/[^\s]+$/i.test(v), "Enter an http(s) URL, or leave empty for no single logout")
    .transform((v) => (v === "" ? null : v))
    .pipe(idpSloUrlSchema),
});
export type SloSettingsInput = z.input<typeof sloSettingsSchema>;
export type SloSettings = z.output<typeof sloSettingsSchema>;

/** The three ways of giving the IdP's details: by metadata URL, by metadata XML, or typed by hand. */
export const metadataUrlSchema = z
  .url({ protocol: /^https?$/, error: "Enter the full metadata URL, starting with https://" })
  .max(2048, "At most 2048 characters")
  .meta({ description: "IdP metadata URL (https). Fetched now and re-fetched when stale." });
const metadataXmlSchema = z
  .string()
  .trim()
  .min(1, "Required")
  .max(1_000_000, "Metadata is larger than 1 MB")
  .meta({ description: "IdP metadata XML." });
const manualIdpSchema = z
  .object({
    entityId: z.string().trim().min(1, "Required").max(1024),
    ssoUrl: httpUrl,
    certificatePem: z.string().trim().min(1, "Required").max(20_000, "Too long for a certificate"),
  })
  .meta({ description: "IdP details typed by hand (instead of metadata)." });

/** Exactly one way of giving the IdP's details (the console's metadata preview). */
export const metadataInputSchema = z.union([
  z.object({ metadataUrl: metadataUrlSchema }),
  z.object({ metadataXml: metadataXmlSchema }),
  z.object({ manual: manualIdpSchema }),
]);
export type MetadataInput = z.infer<typeof metadataInputSchema>;

/** Where the IdP's metadata comes from (any one of them; the service checks that at most one is given). */
const idpMetadataSource = {
  metadataUrl: metadataUrlSchema.optional(),
  metadataXml: metadataXmlSchema.optional(),
  manual: manualIdpSchema.optional(),
};

const settings = {
  name: z.string().trim().min(1, "Give the connection a name, e.g. “Okta”").max(100, "At most 100 characters"),
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
  requireEncryptedAssertions: z.boolean().meta({
    description:
      'Refuse plaintext assertions. Turning it on gives the connection an SP encryption key (published in the SP metadata with use="encryption"). Owner only.',
  }),
};

/** Create a connection (console guided setup, REST API, CLI). */
export const connectionCreateSchema = z.object({
  ...settings,
  slug: connectionSlugSchema.meta({ description: "Globally unique and immutable: part of every SP URL." }),
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
  requireEncryptedAssertions: settings.requireEncryptedAssertions.default(false),
  ...idpMetadataSource,
});
export type ConnectionCreateInput = z.input<typeof connectionCreateSchema>;
export type ConnectionCreateData = z.output<typeof connectionCreateSchema>;

/** Step 1 of the console's guided setup: what the form asks (the IdP type is picked beside it). */
export const connectionNameStepSchema = connectionCreateSchema.pick({ name: true, slug: true, defaultRole: true });
export type ConnectionNameStep = z.output<typeof connectionNameStepSchema>;
export type ConnectionNameStepInput = z.input<typeof connectionNameStepSchema>;

/** A patch: every field optional except the version the editor loaded. The slug is immutable. */
export const connectionUpdateSchema = z
  .object({
    version: z.number().int().min(1).meta({ description: "The `version` you read. A newer one on the server → 409 VERSION_CONFLICT." }),
  })
  .extend(z.object(settings).partial().shape)
  .extend(idpMetadataSource)
  .extend({ idpSloUrl: idpSloUrlSchema.optional() });
export type ConnectionUpdateInput = z.input<typeof connectionUpdateSchema>;
export type ConnectionUpdateData = z.output<typeof connectionUpdateSchema>;

/** The console's "Sign-in and provisioning" card: these settings, saved together (a patch with the loaded version). */
export const connectionSettingsSchema = z.object(settings).pick({
  name: true,
  defaultRole: true,
  allowIdpInitiated: true,
  defaultRedirect: true,
  jitProvisioning: true,
  applyMappingEveryLogin: true,
  syncProfileEveryLogin: true,
  allowAccountLinking: true,
  requireVerifiedDomains: true,
});
export type ConnectionSettings = z.output<typeof connectionSettingsSchema>;

/** SP signing key rotation, one step at a time. */
export const SP_KEY_ACTIONS = ["stage", "activate", "retire"] as const;
export type SpKeyAction = (typeof SP_KEY_ACTIONS)[number];
export const spKeyActionSchema = z.object({
  action: z.enum(SP_KEY_ACTIONS).meta({
    description:
      "stage: create the next key (published in SP metadata beside the active one); activate: sign AuthnRequests with the staged key (the old one stays published for a grace period); retire: stop publishing the old key.",
  }),
});

// ── Output shapes (documented in OpenAPI; produced by lib/api/dto/connections.ts) ─────────────
export const spValuesDtoSchema = z.object({
  entity_id: z.string(),
  acs_url: z.string(),
  metadata_url: z.string(),
  login_url: z.string(),
  slo_url: z.string().meta({ description: "The SP single logout URL (HTTP-Redirect and HTTP-POST) to register in the IdP." }),
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
  require_encrypted_assertions: z.boolean(),
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
