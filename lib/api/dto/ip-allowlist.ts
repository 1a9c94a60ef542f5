import { addressInRanges, canonicalClientAddress } from "@/lib/net/cidr";
import type { IpAllowlistDto } from "@/lib/schemas/ip-allowlist";
import type { IpAllowlistState } from "@/lib/services/ip-allowlist";

/** The allowlist as the API shows it to an owner, with the address this request came from. */
export function toIpAllowlistDto(s: IpAllowlistState, ip: string | null): IpAllowlistDto {
  return {
    enabled: s.ranges.length > 0,
    ranges: s.ranges,
    exempt_break_glass_owners: s.exemptBreakGlassOwners,
    updated_at: s.updatedAt ? s.updatedAt.toISOString() : null,
    your_address: canonicalClientAddress(ip) ?? ip,
    your_address_allowed: s.ranges.length === 0 || addressInRanges(ip, s.ranges),
  };
}
