import type { Db } from "@/db";
import type { User } from "./users";

/**
 * Whether `user` may sign in with a password. Throws AppError("SSO_REQUIRED") when a workspace's
 * SSO enforcement covers them (filled in by the domains/enforcement work).
 */
export async function assertPasswordSignInAllowed(_db: Db, _user: User): Promise<void> {
  // Enforcement modes arrive with verified domains.
}
