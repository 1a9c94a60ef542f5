import { sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db";
import { IDEMPOTENCY_TTL_MS } from "./idempotency";
import { RATE_LIMIT_ROW_TTL_MS } from "./rate-limit";

/**
 * Scheduled retention (the `retention.sweep` job): what anyone can make the app store, without
 * signing in, is deleted once it has no use left — never at random inside requests.
 * - AuthnRequests an hour after they expired (kept a while so "expired" can still be told from "unknown");
 * - consumed-assertion records once the assertion itself has expired (a replay would fail its time window);
 * - login tickets once expired (used or not);
 * - SSO sessions (single logout) once their Gatehouse session can no longer live, and logout requests an hour after they expired;
 * - idempotency keys older than 24 h;
 * - rate-limit counters older than a day;
 * - SSO events older than SSO_EVENT_RETENTION_DAYS.
 * Rows go in batches, so a large backlog never holds long locks; a run stops after `maxBatches` per table
 * and the next run continues.
 */
export type RetentionPolicy = { ssoEventRetentionDays: number; batchSize?: number; maxBatches?: number };
export type RetentionSummary = Record<
  | "authnRequests"
  | "consumedAssertions"
  | "loginTickets"
  | "idempotencyKeys"
  | "rateLimits"
  | "ssoEvents"
  | "ssoSessions"
  | "logoutRequests",
  number
>;

const HOUR = 3600_000;
const DAY = 24 * HOUR;

async function deleteInBatches(db: Db, table: string, where: SQL, batchSize: number, maxBatches: number): Promise<number> {
  let total = 0;
  for (let i = 0; i < maxBatches; i++) {
    const rows = await db.execute(
      sql`delete from ${sql.identifier(table)} where ctid = any(array(select ctid from ${sql.identifier(table)} where ${where} limit ${batchSize})) returning 1 as deleted`,
    );
    const n = Array.isArray(rows) ? rows.length : ((rows as { rows?: unknown[] }).rows?.length ?? 0);
    total += n;
    if (n < batchSize) break;
  }
  return total;
}

export async function sweepExpiredRecords(db: Db, now: Date, policy: RetentionPolicy): Promise<RetentionSummary> {
  const size = policy.batchSize ?? 5000;
  const max = policy.maxBatches ?? 20;
  const at = (ms: number) => new Date(now.getTime() - ms).toISOString();
  const sweep = (table: string, where: SQL) => deleteInBatches(db, table, where, size, max);
  return {
    authnRequests: await sweep("authn_requests", sql`expires_at < ${at(HOUR)}::timestamptz`),
    consumedAssertions: await sweep("consumed_assertions", sql`expires_at < ${at(0)}::timestamptz`),
    loginTickets: await sweep("login_tickets", sql`expires_at < ${at(0)}::timestamptz`),
    idempotencyKeys: await sweep("idempotency_keys", sql`created_at < ${at(IDEMPOTENCY_TTL_MS)}::timestamptz`),
    rateLimits: await sweep("rate_limits", sql`window_start < ${at(RATE_LIMIT_ROW_TTL_MS)}::timestamptz`),
    ssoEvents: await sweep("sso_events", sql`created_at < ${at(policy.ssoEventRetentionDays * DAY)}::timestamptz`),
    // Logout requests first: they point at SSO sessions.
    logoutRequests: await sweep("logout_requests", sql`expires_at < ${at(HOUR)}::timestamptz`),
    ssoSessions: await sweep("sso_sessions", sql`expires_at < ${at(0)}::timestamptz`),
  };
}
