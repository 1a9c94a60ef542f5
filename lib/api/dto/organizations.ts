import type { OrganizationDto } from "@/lib/schemas/organizations";
import type { Workspace } from "@/lib/services/workspaces";

export function toOrganizationDto(w: Workspace): OrganizationDto {
  return {
    id: w.id,
    slug: w.slug,
    name: w.name,
    external_id: w.externalId,
    sso_enforcement: w.ssoEnforcement,
    created_at: w.createdAt.toISOString(),
  };
}
