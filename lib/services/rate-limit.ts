import { isIP } from "node:net";
import { eq, sql, type SQLWrapper } from "drizzle-orm";
import type { Db } from "@/db";
import { rateLimits } from "@/db/schema";

export type RateLimitRule = { limit: number; windowSeconds: number };
export type RateLimitResult = { allowed: boolean; count: number; retryAfterSeconds: number };

/**
 * Count one hit against `key` in a fixed window shared by every instance (one atomic upsert).
 * Allowed while the count within the window is ≤ limit.
 */
export async function hitRateLimit(db: Db, key: string, rule: RateLimitRule, now = new Date()): Promise<RateLimitResult> {
  const [row] = await db.insert(rateLimits).values({ key, windowStart: now, count: 1 }).onConflictDoUpdate(countHit(rule, now)).returning();
  return toResult(row!, rule, now);
}

/** The upsert's conflict clause: a new window when the stored one has ended, else one more hit (also for statements that embed the hit). */
export function countHit(rule: RateLimitRule, now: Date) {
  return countHitAt(windowCutoff(rule, now), now.toISOString());
}

/**
 * countHit with its two instants as SQL values (ISO text, or placeholders for a cached statement):
 * the window that started at or before `cutoff` has ended.
 */
export function countHitAt(cutoff: string | SQLWrapper, now: string | SQLWrapper) {
  return {
    target: rateLimits.key,
    set: {
      windowStart: sql`case when ${rateLimits.windowStart} <= ${cutoff}::timestamptz then ${now}::timestamptz else ${rateLimits.windowStart} end`,
      count: sql`case when ${rateLimits.windowStart} <= ${cutoff}::timestamptz then 1 else ${rateLimits.count} + 1 end`,
    },
  };
}

/** The instant before which a rule's window has ended, as countHitAt takes it. */
export function windowCutoff(rule: RateLimitRule, now: Date): string {
  return new Date(now.getTime() - rule.windowSeconds * 1000).toISOString();
}

/** Read a counter without counting (e.g. "is this account locked?"). */
export async function peekRateLimit(db: Db, key: string, rule: RateLimitRule, now = new Date()): Promise<RateLimitResult> {
  const [row] = await db.select().from(rateLimits).where(eq(rateLimits.key, key));
  if (!row || row.windowStart.getTime() <= now.getTime() - rule.windowSeconds * 1000) {
    return { allowed: true, count: 0, retryAfterSeconds: 0 };
  }
  return toResult(row, rule, now);
}

export async function resetRateLimit(db: Db, key: string): Promise<void> {
  await db.delete(rateLimits).where(eq(rateLimits.key, key));
}

/** Take back one hit (e.g. an attempt that was counted first and then succeeded). Never below zero. */
export async function undoRateLimitHit(db: Db, key: string): Promise<void> {
  await db
    .update(rateLimits)
    .set({ count: sql`greatest(${rateLimits.count} - 1, 0)` })
    .where(eq(rateLimits.key, key));
}

/**
 * Counters older than this are stale whatever their rule (no rule has a window longer than a day):
 * the retention job deletes them.
 */
export const RATE_LIMIT_ROW_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * The rate-limit key of a client IP under `prefix`. An IPv6 client is counted by its /64 (one
 * subscriber usually holds a whole /64, so per-address counting would be no limit at all).
 */
export function ipRateLimitKey(prefix: string, ip: string): string {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  if (v4) return `${prefix}:${v4}`;
  if (isIP(ip) === 6) return `${prefix}:${ipv6Prefix64(ip)}`;
  return `${prefix}:${ip.slice(0, 64)}`;
}

function ipv6Prefix64(ip: string): string {
  const [head, tail = ""] = ip.toLowerCase().split("%")[0]!.split("::");
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = ip.includes("::") ? [...h, ...Array(8 - h.length - t.length).fill("0"), ...t] : h;
  return `${groups
    .slice(0, 4)
    .map((g) => (parseInt(g || "0", 16) || 0).toString(16))
    .join(":")}::/64`;
}

export function toResult(row: { windowStart: Date; count: number }, rule: RateLimitRule, now: Date): RateLimitResult {
  const windowEnds = row.windowStart.getTime() + rule.windowSeconds * 1000;
  return {
    allowed: row.count <= rule.limit,
    count: row.count,
    retryAfterSeconds: Math.max(1, Math.ceil((windowEnds - now.getTime()) / 1000)),
  };
}
