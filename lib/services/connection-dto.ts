import type { z } from "zod";
import type { connections, spKeys, ssoEvents } from "@/db/schema";
import type { connectionDtoSchema, spKeyDtoSchema, ssoEventDtoSchema } from "@/lib/schemas/connections";
import { spValues } from "./sp-values";

/**
 * Explicit output mappers: only the listed fields leave the server. SP private keys never appear
 * (sp_keys rows are mapped field by field; the encrypted key column is not read).
 */
export type Connection = typeof connections.$inferSelect;
export type ConnectionDto = z.infer<typeof connectionDtoSchema>;
export type SpKeyDto = z.infer<typeof spKeyDtoSchema>;
export type SsoEventDto = z.infer<typeof ssoEventDtoSchema>;

export function isConnectionConfigured(
  c: Pick<Connection, "idpEntityId" | "idpSsoUrlRedirect" | "idpSsoUrlPost" | "idpCertificates">,
): boolean {
  return Boolean(c.idpEntityId && (c.idpSsoUrlRedirect || c.idpSsoUrlPost) && c.idpCertificates.length > 0);
}

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
    clock_skew_seconds: c.clockSkewSeconds,
    trust_approval: { via: c.trustApprovedVia, at: c.trustApprovedAt?.toISOString() ?? null, by_user_id: c.trustApprovedBy },
    version: c.version,
    sp: { entity_id: sp.entityId, acs_url: sp.acsUrl, metadata_url: sp.metadataUrl, login_url: sp.loginUrl },
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}

type SpKeyPublic = Pick<
  typeof spKeys.$inferSelect,
  "id" | "state" | "certificatePem" | "notAfter" | "createdAt" | "activatedAt" | "retiredAt"
>;

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

export function toSsoEventDto(e: typeof ssoEvents.$inferSelect): SsoEventDto {
  return {
    id: e.id,
    connection_id: e.connectionId,
    outcome: e.outcome,
    error_code: e.errorCode,
    email: e.email,
    flow: e.flow,
    test_mode: e.testMode,
    user_id: e.userId,
    ip: e.ip,
    detail: e.detail,
    created_at: e.createdAt.toISOString(),
  };
}
