/** The IP allowlist as the console shows it to an owner (dates as ISO strings). */
export type IpAllowlistView = { ranges: string[]; exemptBreakGlassOwners: boolean; updatedAt: string | null };
