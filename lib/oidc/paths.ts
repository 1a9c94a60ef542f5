/**
 * Where Gatehouse's OpenID Connect provider lives. Kept apart from the provider itself so that code
 * outside the Node server (the ACS, Next pages) can build these paths without loading oidc-provider.
 */
export const OIDC_MOUNT_PATH = "/oidc";

/** Gatehouse's login step for one authorization request (the interaction). */
export function interactionPath(uid: string): string {
  return `${OIDC_MOUNT_PATH}/interaction/${uid}`;
}

/** Where an IdP-initiated sign-in continues into an application (its initiate_login_uri). */
export function launchPath(applicationId: string): string {
  return `${OIDC_MOUNT_PATH}/launch/${applicationId}`;
}
