import type { z } from "zod";
import type { tenantSamlDtoSchema } from "@/lib/schemas/tenant-saml";
import { toConnectionDto } from "./connections";
import type { TenantSamlResult } from "@/lib/services/tenant-saml";

export type TenantSamlDto = z.infer<typeof tenantSamlDtoSchema>;

/** The connection (with its SP values) plus the MITRITY-style summary fields and the domain's state. */
export function toTenantSamlDto(r: TenantSamlResult, appUrl: string): TenantSamlDto {
  const c = toConnectionDto(r.connection, appUrl);
  return {
    ...c,
    enabled: r.connection.active,
    entity_id: r.connection.idpEntityId ?? "",
    sso_url: r.connection.idpSsoUrlRedirect ?? r.connection.idpSsoUrlPost ?? "",
    email_domain: r.domain.domain,
    configured_at: r.connection.updatedAt.toISOString(),
    created: r.created,
    domain: {
      id: r.domain.id,
      domain: r.domain.domain,
      status: r.domain.status,
      verification_record: r.domain.record,
      verified_at: r.domain.verifiedAt?.toISOString() ?? null,
      connection_id: r.domain.connectionId,
    },
  };
}
