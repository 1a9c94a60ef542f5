import type { Directory, ScimRequest } from "@/db/schema";
import type { DirectoryDto } from "@/lib/schemas/directories";
import { scimBaseUrl, type SyncedGroup, type SyncedUser } from "@/lib/services/directories";

export function toDirectoryDto(d: Directory, appUrl: string): DirectoryDto {
  return {
    id: d.id,
    name: d.name,
    kind: d.kind,
    active: d.active,
    connection_id: d.connectionId,
    default_role: d.defaultRole as DirectoryDto["default_role"],
    deprovision_outside_mapped_groups: d.deprovisionOutsideMappedGroups,
    scim_base_url: scimBaseUrl(appUrl, d.id),
    last_request_at: d.lastRequestAt?.toISOString() ?? null,
    created_at: d.createdAt.toISOString(),
  };
}

export function toDirectoryUserDto(u: SyncedUser) {
  return {
    id: u.id,
    user_name: u.userName,
    email: u.email,
    display_name: u.displayName,
    external_id: u.externalId,
    active: u.active,
    member: u.membershipId ? { id: u.membershipId, role: u.role!, disabled: u.disabled! } : null,
    updated_at: u.updatedAt.toISOString(),
  };
}

export function toDirectoryGroupDto(g: SyncedGroup) {
  return {
    id: g.id,
    display_name: g.displayName,
    external_id: g.externalId,
    role: g.role,
    members: g.members,
    updated_at: g.updatedAt.toISOString(),
  };
}

export function toScimRequestDto(r: ScimRequest) {
  return {
    id: r.id,
    method: r.method,
    path: r.path,
    status: r.status,
    scim_type: r.scimType,
    error: r.error,
    duration_ms: r.durationMs,
    request_body: r.requestBody ?? null,
    created_at: r.createdAt.toISOString(),
  };
}
