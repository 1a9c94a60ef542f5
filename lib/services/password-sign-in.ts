import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { memberships, users } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { burnPasswordCheck, verifyPassword } from "@/lib/auth/password";
import { hitRateLimit, peekRateLimit, resetRateLimit, type RateLimitRule } from "./rate-limit";
import { assertPasswordSignInAllowed } from "./sso-enforcement";
import { findUserByEmail, normalizeEmail, type User } from "./users";

/** Failed attempts allowed per account and per IP before a pause (shared by all instances). */
export const ACCOUNT_FAILURES: RateLimitRule = { limit: 5, windowSeconds: 15 * 60 };
export const IP_FAILURES: RateLimitRule = { limit: 30, windowSeconds: 15 * 60 };

const accountKey = (email: string) => `login:account:${normalizeEmail(email)}`;
const ipKey = (ip: string) => `login:ip:${ip}`;

/**
 * Email + password sign-in. Wrong email and wrong password give the same error (and take the same
 * time); too many failures per account or per IP give TOO_MANY_ATTEMPTS with Retry-After.
 */
export async function signInWithPassword(
  db: Db,
  input: { email: string; password: string; ip: string | null },
  now = new Date(),
): Promise<User> {
  const email = normalizeEmail(input.email);
  for (const [key, rule] of [
    [accountKey(email), ACCOUNT_FAILURES],
    ...(input.ip ? [[ipKey(input.ip), IP_FAILURES] as const] : []),
  ] as const) {
    const state = await peekRateLimit(db, key, rule, now);
    if (state.count >= rule.limit) {
      throw new AppError("TOO_MANY_ATTEMPTS", { headers: { "Retry-After": String(state.retryAfterSeconds) } });
    }
  }

  const user = await findUserByEmail(db, email);
  const ok = user?.passwordHash
    ? await verifyPassword(input.password, user.passwordHash)
    : (await burnPasswordCheck(input.password), false);
  if (!user || !ok || user.disabled) {
    await hitRateLimit(db, accountKey(email), ACCOUNT_FAILURES, now);
    if (input.ip) await hitRateLimit(db, ipKey(input.ip), IP_FAILURES, now);
    throw new AppError("INVALID_CREDENTIALS");
  }
  await assertPasswordSignInAllowed(db, user);
  await resetRateLimit(db, accountKey(email));
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
