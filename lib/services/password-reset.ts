import { createHash, randomBytes } from "node:crypto";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { outbox, passwordResetTokens, users } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import { env } from "@/lib/env";
import { sealSecret } from "@/lib/crypto/secret-box";
import { EMAIL_DELIVERY_JOB } from "@/lib/email/outbox";
import { passwordResetEmail, passwordResetSsoEmail } from "@/lib/email/templates";
import { AppError } from "@/lib/errors";
import {
  passwordResetRequestSchema,
  passwordResetSchema,
  type PasswordResetInput,
  type PasswordResetRequestInput,
} from "@/lib/schemas/password-reset";
import { endAccess } from "./access-revocation";
import { nudgeJob } from "./jobs";
import { hitRateLimit, ipRateLimitKey, resetRateLimit, type RateLimitRule } from "./rate-limit";
import { findEnforcingWorkspaces } from "./sso-enforcement";
import { findUserByEmail, normalizeEmail } from "./users";

/** A reset link works once, for this long. */
export const RESET_TOKEN_TTL_MS = 30 * 60_000;
/** Requests per address and per client IP (every instance counts together). */
export const RESET_PER_EMAIL: RateLimitRule = { limit: 3, windowSeconds: 60 * 60 };
export const RESET_PER_IP: RateLimitRule = { limit: 20, windowSeconds: 60 * 60 };

const hashToken = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");
export const resetUrl = (token: string, appUrl = env().appUrl) => `${appUrl}/reset-password/${token}`;

/**
 * "Forgot password?". The answer never says whether the address has an account: every valid request
 * — known, unknown, SSO-only or disabled — does the same work here (two rate-limit counters and one
 * outbox row, `password_reset_request`), and the decision is taken later by the delivery job
 * (preparePasswordResets), off the request path, so neither the answer nor its timing differs.
 * Too many requests for one address or from one network: RATE_LIMITED, counted for unknown
 * addresses alike.
 */
export async function requestPasswordReset(
  db: Db,
  input: PasswordResetRequestInput & { ip: string | null },
  now = new Date(),
): Promise<void> {
  const { email } = passwordResetRequestSchema.parse({ email: input.email });
  if (env().isProduction && !env().smtpUrl) throw new AppError("EMAIL_NOT_CONFIGURED");
  const counters = [
    { key: `pwreset:email:${email}`, rule: RESET_PER_EMAIL },
    ...(input.ip ? [{ key: ipRateLimitKey("pwreset:ip", input.ip), rule: RESET_PER_IP }] : []),
  ];
  for (const c of counters) {
    const state = await hitRateLimit(db, c.key, c.rule, now);
    if (!state.allowed)
      throw new AppError("RATE_LIMITED", {
        message: "Too many password reset requests.",
        hint: "Wait a while, then ask again; the link already sent stays valid for 30 minutes.",
        headers: { "Retry-After": String(state.retryAfterSeconds) },
      });
  }
  await db.insert(outbox).values({
    kind: "password_reset_request",
    to: email,
    subject: "Password reset request",
    body: "",
    nextAttemptAt: now,
    createdAt: now,
  });
  nudgeJob(EMAIL_DELIVERY_JOB);
}

/**
 * The delivery job's first step: turn each pending reset request into the email to send, once
 * (rows locked with SKIP LOCKED, so two instances never prepare the same request):
 * - an enabled account whose organization does not require SSO: a single-use token (only its
 *   SHA-256 is stored) and the reset link, sealed in the outbox row until it is sent;
 * - an account covered by SSO enforcement: no token, an email pointing to SSO sign-in instead;
 * - no account, or a disabled one: nothing is sent (status `dropped`).
 */
export async function preparePasswordResets(db: Db, now: Date, limit = 50): Promise<{ prepared: number; dropped: number }> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .select({ id: outbox.id, to: outbox.to })
      .from(outbox)
      .where(and(eq(outbox.kind, "password_reset_request"), eq(outbox.status, "pending")))
      .orderBy(outbox.createdAt)
      .limit(limit)
      .for("update", { skipLocked: true });
    let prepared = 0;
    let dropped = 0;
    const loginUrl = `${env().appUrl}/login`;
    for (const row of rows) {
      const user = await findUserByEmail(tx, row.to);
      if (!user || user.disabled) {
        await tx.update(outbox).set({ status: "dropped", lastError: "no enabled account with this email" }).where(eq(outbox.id, row.id));
        dropped++;
        continue;
      }
      const enforcing = await findEnforcingWorkspaces(tx, user);
      if (enforcing.length) {
        const c = passwordResetSsoEmail({
          email: user.email,
          workspaces: enforcing.map((w) => w.name),
          loginUrl: `${loginUrl}?email=${encodeURIComponent(user.email)}`,
        });
        await tx
          .update(outbox)
          .set({ kind: "password_reset_sso", subject: c.subject, body: c.text, html: c.html })
          .where(eq(outbox.id, row.id));
        prepared++;
        continue;
      }
      const token = randomBytes(32).toString("base64url");
      await tx.insert(passwordResetTokens).values({
        userId: user.id,
        tokenHash: hashToken(token),
        expiresAt: new Date(now.getTime() + RESET_TOKEN_TTL_MS),
        createdAt: now,
      });
      const c = passwordResetEmail({
        email: user.email,
        resetUrl: resetUrl(token),
        expiresInMinutes: RESET_TOKEN_TTL_MS / 60_000,
        loginUrl,
      });
      await tx
        .update(outbox)
        .set({
          kind: "password_reset",
          subject: c.subject,
          body: c.text,
          html: c.html,
          secretsEncrypted: sealSecret(JSON.stringify(c.secrets)),
        })
        .where(eq(outbox.id, row.id));
      prepared++;
    }
    return { prepared, dropped };
  });
}

/** The account behind a reset link, or PASSWORD_RESET_INVALID (unknown, used, expired). */
export async function getPasswordResetOrThrow(db: Db, token: string, now = new Date()): Promise<{ email: string }> {
  if (!token || token.length > 200) throw new AppError("PASSWORD_RESET_INVALID");
  const [row] = await db
    .select({ email: users.email, disabled: users.disabled })
    .from(passwordResetTokens)
    .innerJoin(users, eq(users.id, passwordResetTokens.userId))
    .where(
      and(eq(passwordResetTokens.tokenHash, hashToken(token)), isNull(passwordResetTokens.usedAt), gt(passwordResetTokens.expiresAt, now)),
    );
  if (!row || row.disabled) throw new AppError("PASSWORD_RESET_INVALID");
  return { email: row.email };
}

/**
 * Set a new password through a reset link. The token is consumed in the same statement that checks
 * it (so it works once, even with two submits racing); every other reset link of the account stops
 * working; the account's sign-in throttle is cleared; and every session and application token ends
 * (endAccess: the session version is bumped). An account that SSO enforcement now covers is refused
 * with SSO_REQUIRED and keeps its password.
 */
export async function resetPassword(db: Db, input: PasswordResetInput & { token: string }, now = new Date()): Promise<{ email: string }> {
  const data = passwordResetSchema.parse({ password: input.password, confirmPassword: input.confirmPassword });
  if (!input.token || input.token.length > 200) throw new AppError("PASSWORD_RESET_INVALID");
  const passwordHash = await hashPassword(data.password);
  return db.transaction(async (tx) => {
    const [consumed] = await tx
      .update(passwordResetTokens)
      .set({ usedAt: now })
      .where(
        and(
          eq(passwordResetTokens.tokenHash, hashToken(input.token)),
          isNull(passwordResetTokens.usedAt),
          gt(passwordResetTokens.expiresAt, now),
        ),
      )
      .returning({ userId: passwordResetTokens.userId });
    if (!consumed) throw new AppError("PASSWORD_RESET_INVALID");
    const [user] = await tx.select().from(users).where(eq(users.id, consumed.userId));
    if (!user || user.disabled) throw new AppError("PASSWORD_RESET_INVALID");
    const enforcing = await findEnforcingWorkspaces(tx, user);
    if (enforcing.length)
      throw new AppError("SSO_REQUIRED", {
        hint: `${enforcing[0]!.name} requires single sign-on for ${user.email}: sign in with SSO on the sign-in page; no password was set.`,
      });
    // The link proved control of the address: the password is no longer one set by someone else.
    await tx.update(users).set({ passwordHash, passwordUnverified: false, updatedAt: now }).where(eq(users.id, user.id));
    await tx
      .update(passwordResetTokens)
      .set({ usedAt: now })
      .where(and(eq(passwordResetTokens.userId, user.id), isNull(passwordResetTokens.usedAt)));
    await endAccess(tx, { userId: user.id, workspaceId: null, reason: "sessions_revoked" });
    await resetRateLimit(tx, `login:account:${normalizeEmail(user.email)}`);
    return { email: user.email };
  });
}

/** Reset links past use or expiry (the retention sweep may call this). */
export async function purgePasswordResetTokens(db: Db, now: Date): Promise<number> {
  const rows = await db
    .delete(passwordResetTokens)
    .where(sql`${passwordResetTokens.expiresAt} < ${new Date(now.getTime() - 24 * 3_600_000).toISOString()}::timestamptz`)
    .returning({ id: passwordResetTokens.id });
  return rows.length;
}
