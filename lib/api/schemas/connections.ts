import { z } from "zod";
import {
  connectionCreateSchema,
  connectionUpdateSchema,
  type ConnectionCreateInput,
  type ConnectionUpdateInput,
} from "@/lib/schemas/connections";
import { roleMappingsReplaceSchema } from "@/lib/schemas/role-mappings";
import { acceptCamelCase } from "./case";

/**
 * REST API request bodies for connections. The API speaks snake_case (like every response); the
 * field validators are the service schemas' own (lib/schemas/connections.ts), so the console, the
 * services and the API accept exactly the same values. camelCase keys are accepted too.
 */
const c = connectionCreateSchema.shape;
const u = connectionUpdateSchema.shape;

const manualCreate = c.manual.unwrap().shape;
const manualSchema = z
  .object({ entity_id: manualCreate.entityId, sso_url: manualCreate.ssoUrl, certificate_pem: manualCreate.certificatePem })
  .meta({ description: "IdP details typed by hand (instead of metadata)." });

const idpSource = {
  metadata_url: c.metadataUrl.meta({ description: "IdP metadata URL (https). Fetched now and re-fetched when stale." }),
  metadata_xml: c.metadataXml.meta({ description: "IdP metadata XML." }),
  manual: manualSchema.optional(),
};

export const apiConnectionCreateSchema = acceptCamelCase(
  z
    .object({
      name: c.name,
      slug: c.slug.meta({ description: "Globally unique and immutable: part of every SP URL." }),
      idp_type: c.idpType,
      active: c.active,
      default_role: c.defaultRole,
      allow_idp_initiated: c.allowIdpInitiated,
      default_redirect: c.defaultRedirect,
      jit_provisioning: c.jitProvisioning,
      allow_account_linking: c.allowAccountLinking,
      require_verified_domains: c.requireVerifiedDomains,
      apply_mapping_every_login: c.applyMappingEveryLogin,
      sync_profile_every_login: c.syncProfileEveryLogin,
      allow_sha1: c.allowSha1,
      clock_skew_seconds: c.clockSkewSeconds,
      ...idpSource,
    })
    .meta({ id: "ConnectionCreate", description: "Give the IdP one way (metadata_url, metadata_xml or manual), or none yet." }),
);
export type ApiConnectionCreate = z.output<typeof apiConnectionCreateSchema>;

export const apiConnectionUpdateSchema = acceptCamelCase(
  z
    .object({
      version: u.version.meta({ description: "The `version` you read. A newer one on the server → 409 VERSION_CONFLICT." }),
      name: u.name,
      idp_type: u.idpType,
      active: u.active,
      default_role: u.defaultRole,
      allow_idp_initiated: u.allowIdpInitiated,
      default_redirect: u.defaultRedirect,
      jit_provisioning: u.jitProvisioning,
      allow_account_linking: u.allowAccountLinking,
      require_verified_domains: u.requireVerifiedDomains,
      apply_mapping_every_login: u.applyMappingEveryLogin,
      sync_profile_every_login: u.syncProfileEveryLogin,
      allow_sha1: u.allowSha1,
      clock_skew_seconds: u.clockSkewSeconds,
      ...idpSource,
    })
    .meta({ id: "ConnectionUpdate", description: "A patch: only the fields given change. The slug is immutable." }),
);
export type ApiConnectionUpdate = z.output<typeof apiConnectionUpdateSchema>;

/** snake_case API field → service (camelCase) field, for both directions of error paths. */
const FIELD_MAP = {
  name: "name",
  slug: "slug",
  idp_type: "idpType",
  active: "active",
  default_role: "defaultRole",
  allow_idp_initiated: "allowIdpInitiated",
  default_redirect: "defaultRedirect",
  jit_provisioning: "jitProvisioning",
  allow_account_linking: "allowAccountLinking",
  require_verified_domains: "requireVerifiedDomains",
  apply_mapping_every_login: "applyMappingEveryLogin",
  sync_profile_every_login: "syncProfileEveryLogin",
  allow_sha1: "allowSha1",
  clock_skew_seconds: "clockSkewSeconds",
  metadata_url: "metadataUrl",
  metadata_xml: "metadataXml",
  version: "version",
} as const;

function toService(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [api, svc] of Object.entries(FIELD_MAP)) if (body[api] !== undefined) out[svc] = body[api];
  const manual = body.manual as { entity_id: string; sso_url: string; certificate_pem: string } | undefined;
  if (manual) out.manual = { entityId: manual.entity_id, ssoUrl: manual.sso_url, certificatePem: manual.certificate_pem };
  return out;
}

export function toConnectionCreateInput(body: ApiConnectionCreate): ConnectionCreateInput {
  return toService(body) as ConnectionCreateInput;
}

export function toConnectionUpdateInput(body: ApiConnectionUpdate): ConnectionUpdateInput {
  return toService(body) as ConnectionUpdateInput;
}

/** Service field path ("manual.certificatePem") → API path ("manual.certificate_pem"). */
export function connectionFieldPath(path: string): string {
  return path
    .split(".")
    .map((seg) => seg.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`))
    .join(".");
}

export const apiSpKeyActionSchema = z
  .object({
    action: z.enum(["stage", "activate", "retire"]).meta({
      description:
        "stage: create the next key (published in SP metadata beside the active one); activate: sign AuthnRequests with the staged key (the old one stays published for a grace period); retire: stop publishing the old key.",
    }),
  })
  .meta({ id: "SpKeyAction" });

/** PUT body: `{ rules: [...] }` (a bare array of rules is accepted too). Validators are the service's own. */
export const apiRoleMappingsReplaceSchema = z.preprocess(
  (v) => (Array.isArray(v) ? { rules: v } : v),
  roleMappingsReplaceSchema.meta({
    id: "RoleMappingsReplace",
    description:
      "The full, ordered list of rules (replaces the current one). A user matching several rules gets the highest role; owner is never granted.",
  }),
);
