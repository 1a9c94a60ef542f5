import type { SpEncryptionKeyPublic } from "@/lib/services/sp-encryption-keys";
import type { z } from "zod";
import type { Connection, RoleMapping } from "@/db/schema";
import type { MappableRole } from "@/lib/auth/roles";
import type { connectionDtoSchema, spKeyDtoSchema } from "@/lib/schemas/connections";
import type { RoleMappingDto } from "@/lib/schemas/role-mappings";
import { isConnectionConfigured } from "@/lib/services/connection-health";
import type { SpKeyPublic } from "@/lib/services/sp-keys";
import { spValues } from "@/lib/services/sp-values";

/**
 * Explicit output mappers (REST API and CLI): only the listed fields leave the server. SP private
 * keys never appear (sp_keys rows are mapped field by field; the encrypted key column is not read).
 */
export type ConnectionDto = z.infer<typeof connectionDtoSchema>;
export type SpKeyDto = z.infer<typeof spKeyDtoSchema>;

export function toConnectionDto(c: Connection, appUrl: string): ConnectionDto {
  const sp = spValues(appUrl, c.slug);
  return {
    id: c.id,
    workspace_id: c.workspaceId,
    name: c.name,
    slug: c.slug,
    idp_type: c.idpType,
    active: c.active,
    configured: isConnectionConfigured(c),
    default_role: c.defaultRole,
    idp_entity_id: c.idpEntityId,
    idp_sso_url_redirect: c.idpSsoUrlRedirect,
    idp_sso_url_post: c.idpSsoUrlPost,
    idp_slo_url: c.idpSloUrl,
    idp_certificates: c.idpCertificates.map((x) => ({
      subject: x.subject,
      not_before: x.notBefore,
      not_after: x.notAfter,
      fingerprint_sha256: x.fingerprintSha256,
      pem: x.pem,
    })),
    metadata_source: c.metadataSource,
    metadata_url: c.metadataUrl,
    metadata_fetched_at: c.metadataFetchedAt?.toISOString() ?? null,
    metadata_error: c.metadataError,
    allow_idp_initiated: c.allowIdpInitiated,
    default_redirect: c.defaultRedirect,
    jit_provisioning: c.jitProvisioning,
    allow_account_linking: c.allowAccountLinking,
    require_verified_domains: c.requireVerifiedDomains,
    apply_mapping_every_login: c.applyMappingEveryLogin,
    sync_profile_every_login: c.syncProfileEveryLogin,
    allow_sha1: c.allowSha1,
    require_encrypted_assertions: c.requireEncryptedAssertions,
    clock_skew_seconds: c.clockSkewSeconds,
    trust_approval: { via: c.trustApprovedVia, at: c.trustApprovedAt?.toISOString() ?? null, by_user_id: c.trustApprovedBy },
    version: c.version,
    sp: { entity_id: sp.entityId, acs_url: sp.acsUrl, metadata_url: sp.metadataUrl, login_url: sp.loginUrl, slo_url: sp.sloUrl },
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}

export function toSpKeyDto(k: SpKeyPublic): SpKeyDto {
  return {
    id: k.id,
    state: k.state,
    certificate_pem: k.certificatePem,
    not_after: k.notAfter.toISOString(),
    created_at: k.createdAt.toISOString(),
    activated_at: k.activatedAt?.toISOString() ?? null,
    retired_at: k.retiredAt?.toISOString() ?? null,
  };
}

export function toRoleMappingDto(r: RoleMapping): RoleMappingDto {
  return { id: r.id, position: r.position, attribute: r.attribute, value: r.value, role: r.role as MappableRole };
}

/** SP encryption keys have the signing keys' shape (and never their private key). */
export const toSpEncryptionKeyDto: (k: SpEncryptionKeyPublic) => SpKeyDto = toSpKeyDto;
