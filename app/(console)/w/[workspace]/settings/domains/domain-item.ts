import type { DomainItem } from "@/components/domains/types";
import type { DomainView } from "@/lib/services/domains";

/** A domain as the console's client components receive it (dates as ISO strings). */
export function toDomainItem(d: DomainView): DomainItem {
  return {
    id: d.id,
    domain: d.domain,
    status: d.status,
    recordName: d.record.name,
    recordValue: d.record.value,
    verifiedAt: d.verifiedAt?.toISOString() ?? null,
    lastCheckedAt: d.lastCheckedAt?.toISOString() ?? null,
    lastCheckError: d.lastCheckError,
    connectionId: d.connectionId,
    demoSeed: d.demoSeed,
  };
}
