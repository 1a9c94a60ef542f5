import type { Db } from "@/db";
import { hitRateLimit, peekRateLimit, type RateLimitRule } from "./rate-limit";

/**
 * Requests to a connection's ACS that carry no valid signature of its IdP (garbage, forged or
 * malformed responses) are unauthenticated: anyone can send them. They never count as failing
 * health; they are shown apart ("N unsigned or malformed requests refused"), and only the first
 * UNSIGNED_EVENT_BUDGET per connection per window become event rows (shared by every instance), so
 * a flood cannot bloat the database. The rest are counted in the budget's counter only.
 */
export const UNSIGNED_EVENT_BUDGET: RateLimitRule = { limit: 20, windowSeconds: 3600 };

export const unsignedEventBudgetKey = (connectionId: string | null) => `acs:unsigned:${connectionId ?? "unknown-connection"}`;

/** Count one unsigned request; true while it may still be recorded as an event. */
export async function mayRecordUnsignedFailure(db: Db, connectionId: string | null, now: Date): Promise<boolean> {
  const r = await hitRateLimit(db, unsignedEventBudgetKey(connectionId), UNSIGNED_EVENT_BUDGET, now);
  return r.allowed;
}

/** Unsigned requests refused in the current budget window that were not recorded as events. */
export async function unrecordedUnsignedRequests(db: Db, connectionId: string, now: Date): Promise<number> {
  const r = await peekRateLimit(db, unsignedEventBudgetKey(connectionId), UNSIGNED_EVENT_BUDGET, now);
  return Math.max(0, r.count - UNSIGNED_EVENT_BUDGET.limit);
}
