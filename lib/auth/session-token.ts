import type { Db } from "@/db";
import { endAccess } from "@/lib/services/access-revocation";
import { getSessionUserState } from "@/lib/services/password-sign-in";
import { findEnforcingWorkspaces } from "@/lib/services/sso-enforcement";
import { isSsoSessionLive } from "@/lib/services/sso-sessions";

export type SessionClaims = Record<string, unknown> | null | undefined;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type SessionUser = { id: string; email: string; name: string | null };

/**
 * A decoded session JWT is only a pointer: the user must still exist, be enabled and carry the
 * same session version. Checked against the database on every request, so revocation is immediate.
 * A password session (amr "pwd") also ends once SSO enforcement covers the user, so turning
 * enforcement on does not leave password sessions running.
 */
export async function resolveSessionUser(db: Db, claims: SessionClaims): Promise<SessionUser | null> {
  const uid = claims?.uid;
  if (typeof uid !== "string" || !UUID.test(uid)) return null;
  const state = await getSessionUserState(db, uid);
  if (!state || state.disabled || state.sessionVersion !== claims?.sv) return null;
  // A session made by an SSO sign-in ends when the IdP's single logout ended that sign-in.
  if (claims?.sid !== undefined && (typeof claims.sid !== "string" || !(await isSsoSessionLive(db, claims.sid, uid)))) return null;
  if (claims?.amr !== "sso" && (await findEnforcingWorkspaces(db, state)).length > 0) return null;
  return { id: state.id, email: state.email, name: state.name };
}

/**
 * Sign-out ends the session for good: the account's access ends through endAccess (which bumps the
 * session version), so a copy of the cookie taken before sign-out is refused from then on. Sessions
 * are not tracked one by one, so this ends the user's sessions on every device. A cookie that is
 * already revoked changes nothing.
 */
export async function endSessionAtSignOut(db: Db, claims: SessionClaims): Promise<boolean> {
  const uid = claims?.uid;
  if (typeof uid !== "string" || !UUID.test(uid)) return false;
  const state = await getSessionUserState(db, uid);
  if (!state || state.sessionVersion !== claims?.sv) return false;
  // The one place where ending access is decided (sessions now; OIDC tokens and back-channel logout too).
  await endAccess(db, { userId: uid, workspaceId: null, reason: "sessions_revoked" });
  return true;
}
