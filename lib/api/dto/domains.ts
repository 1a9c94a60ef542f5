import type { DomainDto, EnforcementDto, EnforcementMode, EnforcementWarning } from "@/lib/schemas/domains";
import type { DomainView } from "@/lib/services/domains";

export function toDomainDto(d: DomainView): DomainDto {
  return {
    id: d.id,
    domain: d.domain,
    status: d.status,
    verification_record: d.record,
    verified_at: d.verifiedAt?.toISOString() ?? null,
    last_checked_at: d.lastCheckedAt?.toISOString() ?? null,
    last_check_error: (d.lastCheckError as DomainDto["last_check_error"]) ?? null,
    connection_id: d.connectionId,
    created_at: d.createdAt.toISOString(),
  };
}

export function toEnforcementDto(e: { mode: EnforcementMode; warnings: EnforcementWarning[] }): EnforcementDto {
  return {
    mode: e.mode,
    warnings: e.warnings.map((w) => ({
      code: w.code,
      severity: w.severity,
      message: w.message,
      ...(w.detail ? { detail: w.detail } : {}),
    })),
  };
}
