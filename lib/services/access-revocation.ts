import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { users } from "@/db/schema";
import { revokeOidcAccess } from "./oidc-grants";

/**
 * Why a person's access ended. `workspaceId` null: the whole account (every session everywhere);
 * otherwise only what the person holds in that workspace (e.g. OIDC tokens issued for that
 * organization), since one workspace's admin never signs a person out of another workspace.
 */
export type AccessEnded = {
  userId: string;
  workspaceId: string | null;
  reason:
    | "sessions_revoked" // an admin or the operator ended every session (password change, account linked, sign-out)
    | "user_disabled"
    | "member_disabled"
    | "member_removed"
    | "single_logout" // the IdP of a connection sent a SAML LogoutRequest for the person (that workspace only)
    | "deprovisioned"; // SCIM: active=false, DELETE, or removed from the last mapped group
};

/**
 * The one place where ending a person's access is decided, so every path (console, REST, CLI, SCIM,
 * SAML single logout, sign-out) ends the same things, inside the caller's transaction:
 * - account-wide: the session version is bumped, which ends every Gatehouse session at its next request;
 * - applications signed in through Gatehouse's OpenID Connect provider lose the person's grants with
 *   every code, access and refresh token (all of them account-wide, else those of that organization;
 *   account-wide also the provider's sign-in sessions), and each affected application with a
 *   back-channel logout URI gets a logout token queued (delivered by the scheduler, with retries).
 */
export async function endAccess(db: Db, e: AccessEnded): Promise<void> {
  if (e.workspaceId === null) {
    await db
      .update(users)
      .set({ sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: new Date() })
      .where(eq(users.id, e.userId));
  }
  await revokeOidcAccess(db, { userId: e.userId, workspaceId: e.workspaceId, reason: e.reason });
}
