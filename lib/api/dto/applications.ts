import type { Application } from "@/db/schema";
import type { ApplicationDto } from "@/lib/schemas/applications";

export function toApplicationDto(a: Application, issuer: string): ApplicationDto {
  return {
    id: a.id,
    client_id: a.clientId,
    name: a.name,
    redirect_uris: a.redirectUris,
    post_logout_redirect_uris: a.postLogoutRedirectUris,
    backchannel_logout_uri: a.backchannelLogoutUri,
    initiate_login_uri: a.initiateLoginUri,
    issuer,
    created_at: a.createdAt.toISOString(),
    updated_at: a.updatedAt.toISOString(),
    secret_rotated_at: a.secretRotatedAt?.toISOString() ?? null,
  };
}
