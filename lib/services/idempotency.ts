import { createHash } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "@/db";
import { idempotencyKeys } from "@/db/schema";
import { AppError } from "@/lib/errors";

/** A stored result is replayed for this long; afterwards the key may be used afresh. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** A claim still without a result after this long is treated as abandoned (crashed instance). */
export const IDEMPOTENCY_STALE_CLAIM_MS = 5 * 60 * 1000;

/** Sane Idempotency-Key header values: 1–255 visible ASCII characters. */
export function isValidIdempotencyKey(key: string): boolean {
  return /^[\x21-\x7e]{1,255}$/.test(key);
}

/** Hash of what makes two requests "the same": method, path and the JSON body (key order ignored). */
export function hashIdempotentRequest(method: string, path: string, body: unknown): string {
  return createHash("sha256")
    .update(`${method.toUpperCase()} ${path}\n${stableStringify(body)}`)
    .digest("hex");
}

function stableStringify(v: unknown): string {
  if (v === undefined) return "null";
  if (v === null || typeof v !== "object") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(",")}]`;
  const entries = Object.entries(v as Record<string, unknown>)
    .filter(([, x]) => x !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stableStringify(x)}`).join(",")}}`;
}

export type IdempotencyClaim = { kind: "claimed" } | { kind: "replay"; statusCode: number; response: unknown };

/**
 * Claim (apiKeyId, key) for this request, decided by the database (insert … on conflict do nothing):
 * - first time → "claimed": run the request, then completeIdempotency() or releaseIdempotency();
 * - same key, same request, finished → "replay" of the stored status and body;
 * - same key, different request → IDEMPOTENCY_KEY_REUSED (422);
 * - same key, still running → IDEMPOTENCY_IN_PROGRESS (409).
 */
export async function claimIdempotencyKey(
  db: Db,
  apiKeyId: string,
  key: string,
  requestHash: string,
  now = new Date(),
): Promise<IdempotencyClaim> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const inserted = await db
      .insert(idempotencyKeys)
      .values({ apiKeyId, key, requestHash, createdAt: now })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (inserted.length === 1) return { kind: "claimed" };

    const [existing] = await db
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.apiKeyId, apiKeyId), eq(idempotencyKeys.key, key)));
    if (!existing) continue; // released or swept in between: try to claim again
    if (now.getTime() - existing.createdAt.getTime() >= IDEMPOTENCY_TTL_MS) {
      // Older than 24 h: the key is free again (the retention job deletes such rows; until then, take it over).
      const renewed = await db
        .update(idempotencyKeys)
        .set({ requestHash, createdAt: now, statusCode: null, response: null })
        .where(and(eq(idempotencyKeys.apiKeyId, apiKeyId), eq(idempotencyKeys.key, key), eq(idempotencyKeys.createdAt, existing.createdAt)))
        .returning({ key: idempotencyKeys.key });
      if (renewed.length === 1) return { kind: "claimed" };
      continue;
    }
    if (existing.requestHash !== requestHash) throw new AppError("IDEMPOTENCY_KEY_REUSED");
    if (existing.statusCode !== null) return { kind: "replay", statusCode: existing.statusCode, response: existing.response };
    if (now.getTime() - existing.createdAt.getTime() < IDEMPOTENCY_STALE_CLAIM_MS) throw new AppError("IDEMPOTENCY_IN_PROGRESS");
    // Abandoned claim: take it over only if nobody else did (same created_at, still no result).
    const taken = await db
      .update(idempotencyKeys)
      .set({ createdAt: now })
      .where(
        and(
          eq(idempotencyKeys.apiKeyId, apiKeyId),
          eq(idempotencyKeys.key, key),
          eq(idempotencyKeys.createdAt, existing.createdAt),
          isNull(idempotencyKeys.statusCode),
        ),
      )
      .returning({ key: idempotencyKeys.key });
    if (taken.length === 1) return { kind: "claimed" };
    throw new AppError("IDEMPOTENCY_IN_PROGRESS");
  }
  throw new AppError("IDEMPOTENCY_IN_PROGRESS");
}

/** Store the final status and body of a claimed request, for replays. */
export async function completeIdempotencyKey(db: Db, apiKeyId: string, key: string, statusCode: number, response: unknown): Promise<void> {
  await db
    .update(idempotencyKeys)
    .set({ statusCode, response })
    .where(and(eq(idempotencyKeys.apiKeyId, apiKeyId), eq(idempotencyKeys.key, key)));
}

/** Forget a claim whose request failed unexpectedly (5xx), so a retry runs again. */
export async function releaseIdempotencyKey(db: Db, apiKeyId: string, key: string): Promise<void> {
  await db
    .delete(idempotencyKeys)
    .where(and(eq(idempotencyKeys.apiKeyId, apiKeyId), eq(idempotencyKeys.key, key), isNull(idempotencyKeys.statusCode)));
}
