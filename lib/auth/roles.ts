export const ROLES = ["owner", "admin", "editor", "viewer"] as const;
export type Role = (typeof ROLES)[number];
/** Roles an IdP (or a role mapping) may grant: never owner. */
export const MAPPABLE_ROLES = ["admin", "editor", "viewer"] as const;
export type MappableRole = (typeof MAPPABLE_ROLES)[number];

const RANK: Record<Role, number> = { owner: 4, admin: 3, editor: 2, viewer: 1 };

export function roleRank(role: Role): number {
  return RANK[role];
}

/** True when `role` is at least `min`. */
export function hasRole(role: Role, min: Role): boolean {
  return RANK[role] >= RANK[min];
}
