import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { memberships, users } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { burnPasswordCheck, verifyPassword } from "@/lib/auth/password";
import { hitRateLimit, ipRateLimitKey, resetRateLimit, undoRateLimitHit, type RateLimitRule } from "./rate-limit";
import { assertPasswordSignInAllowed } from "./sso-enforcement";
import { assertPasswordSignInIpAllowed } from "./ip-allowlist";
import { findUserByEmail, normalizeEmail, type User } from "./users";

/** Failed attempts allowed per account and per IP before a pause (shared by all instances). */
export const ACCOUNT_FAILURES: RateLimitRule = { limit: 5, windowSeconds: 15 * 60 };
export const IP_FAILURES: RateLimitRule = { limit: 30, windowSeconds: 15 * 60 };

const accountKey = (email: string) => `login:account:${normalizeEmail(email)}`;

/**
 * Email + password sign-in. Wrong email and wrong password give the same error (and take the same
 * time). Every attempt is counted first, atomically, per account and per IP (one upsert returning the
 * new count), and only then compared: of any number of concurrent attempts, at most the limit are
 * evaluated, the rest get TOO_MANY_ATTEMPTS with Retry-After without a password hash being checked.
 * A successful sign-in clears the account's counter and takes its own hit back from the IP's.
 */
export async function signInWithPassword(
  db: Db,
  input: { email: string; password: string; ip: string | null },
  now = new Date(),
): Promise<User> {
  const email = normalizeEmail(input.email);
  const counters = [
    { key: accountKey(email), rule: ACCOUNT_FAILURES },
    ...(input.ip ? [{ key: ipRateLimitKey("login:ip", input.ip), rule: IP_FAILURES }] : []),
  ];
  for (const c of counters) {
    const state = await hitRateLimit(db, c.key, c.rule, now);
    if (!state.allowed) throw new AppError("TOO_MANY_ATTEMPTS", { headers: { "Retry-After": String(state.retryAfterSeconds) } });
  }

  const user = await findUserByEmail(db, email);
  const ok = user?.passwordHash
    ? await verifyPassword(input.password, user.passwordHash)
    : (await burnPasswordCheck(input.password), false);
  if (!user || !ok || user.disabled) throw new AppError("INVALID_CREDENTIALS");
  await assertPasswordSignInAllowed(db, user);
  await assertPasswordSignInIpAllowed(db, user.id, input.ip);
  await resetRateLimit(db, accountKey(email));
  if (input.ip) await undoRateLimitHit(db, ipRateLimitKey("login:ip", input.ip));
  await db.update(memberships).set({ lastLoginAt: now }).where(eq(memberships.userId, user.id));
  return user;
}

export async function getSessionUserState(db: Db, userId: string) {
  const [row] = await db
    .select({ id: users.id, email: users.email, name: users.name, disabled: users.disabled, sessionVersion: users.sessionVersion })
    .from(users)
    .where(eq(users.id, userId));
  return row;
}
