import { randomUUID } from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { rowsOf } from "@/db/rows";
import { webhookAttempts, webhookDeliveries, webhookEndpoints, webhookEvents } from "@/db/schema";
import { openSecret } from "@/lib/crypto/secret-box";
import { webhookMessageId } from "./emit";
import { webhookHeaders } from "./signature";

/** Sends one signed POST; throws when nothing came back (refused address, DNS, timeout, reset). */
export type WebhookTransport = (req: {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}) => Promise<{ status: number; bodySnippet: string }>;

/** Each attempt waits at most this long for the receiver. */
export const WEBHOOK_TIMEOUT_MS = 5000;

/**
 * Waits after the 1st, 2nd, … failed attempt (the Standard Webhooks / Svix schedule): 8 attempts over
 * 27 h 35 min, then the delivery is given up (status failed) and the next one of its queue goes out.
 */
export const RETRY_SCHEDULE_MS = [5_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 5 * 3_600_000, 10 * 3_600_000, 10 * 3_600_000];

/** How long a claimed delivery stays with the instance that claimed it (timeout plus bookkeeping). */
const LEASE_MS = 30_000;

export type DeliverOptions = {
  transport: WebhookTransport;
  /** The clock (tests move it forward). */
  now?: () => Date;
  /** Deliveries claimed per round (one per queue at most). */
  batchSize?: number;
  /** Stop starting new rounds after this long. */
  budgetMs?: number;
};

export type DeliverSummary = { attempted: number; succeeded: number; retrying: number; failed: number };

type Claimed = { id: string; event_id: string; endpoint_id: string; attempts: number };

/**
 * Claim the next delivery of up to `limit` queues. A queue is one (endpoint, workspace): only its
 * oldest pending delivery may go, so events reach a receiver in the order they happened. One UPDATE
 * decides, re-checking status and lease on the row it locks, so two instances never take the same row.
 */
export async function claimDeliveries(db: Db, now: Date, limit: number): Promise<{ token: string; rows: Claimed[] }> {
  const token = randomUUID();
  const leaseUntil = new Date(now.getTime() + LEASE_MS);
  const result = await db.execute(sql`
    with heads as (
      select distinct on (d.endpoint_id, d.workspace_id) d.id, d.next_attempt_at, d.lease_until
      from ${webhookDeliveries} d
      join ${webhookEndpoints} e on e.id = d.endpoint_id and e.enabled
      where d.status = 'pending'
      order by d.endpoint_id, d.workspace_id, d.seq
    ), due as (
      select id from heads
      where next_attempt_at <= ${now.toISOString()}::timestamptz
        and (lease_until is null or lease_until <= ${now.toISOString()}::timestamptz)
      limit ${limit}
    )
    update ${webhookDeliveries} d
    set lease_token = ${token}::uuid, lease_until = ${leaseUntil.toISOString()}::timestamptz, attempts = d.attempts + 1,
        last_attempt_at = ${now.toISOString()}::timestamptz
    from due
    where d.id = due.id and d.status = 'pending'
      and d.next_attempt_at <= ${now.toISOString()}::timestamptz
      and (d.lease_until is null or d.lease_until <= ${now.toISOString()}::timestamptz)
    returning d.id, d.event_id, d.endpoint_id, d.attempts`);
  return { token, rows: rowsOf<Claimed>(result) };
}

/** Send every due delivery (one per queue per round) until nothing is due or the budget is spent. */
export async function deliverWebhooks(db: Db, opts: DeliverOptions): Promise<DeliverSummary> {
  const clock = opts.now ?? (() => new Date());
  const started = Date.now();
  const summary: DeliverSummary = { attempted: 0, succeeded: 0, retrying: 0, failed: 0 };
  for (;;) {
    const { token, rows } = await claimDeliveries(db, clock(), opts.batchSize ?? 20);
    if (!rows.length) break;
    const outcomes = await Promise.all(rows.map((row) => attemptDelivery(db, row, token, opts.transport, clock)));
    for (const o of outcomes) {
      summary.attempted++;
      summary[o]++;
    }
    if (Date.now() - started > (opts.budgetMs ?? 20_000)) break;
  }
  return summary;
}

async function attemptDelivery(
  db: Db,
  row: Claimed,
  token: string,
  transport: WebhookTransport,
  clock: () => Date,
): Promise<"succeeded" | "retrying" | "failed"> {
  const [target] = await db
    .select({ url: webhookEndpoints.url, secretSealed: webhookEndpoints.secretSealed, body: webhookEvents.body })
    .from(webhookEndpoints)
    .innerJoin(webhookEvents, eq(webhookEvents.id, row.event_id))
    .where(eq(webhookEndpoints.id, row.endpoint_id));
  const at = clock();
  let status: number | null = null;
  let error: string | null = null;
  let snippet: string | null = null;
  const t0 = Date.now();
  if (!target) {
    error = "the endpoint or event no longer exists";
  } else {
    try {
      const res = await transport({
        url: target.url,
        headers: webhookHeaders(openSecret(target.secretSealed), webhookMessageId(row.event_id), at, target.body),
        body: target.body,
        timeoutMs: WEBHOOK_TIMEOUT_MS,
      });
      status = res.status;
      snippet = res.bodySnippet.slice(0, 500) || null;
      if (status < 200 || status >= 300) error = `HTTP ${status}`;
    } catch (e) {
      error = (e instanceof Error ? e.message : String(e)).slice(0, 500);
    }
  }
  const durationMs = Date.now() - t0;
  const ok = error === null;
  const wait = RETRY_SCHEDULE_MS[row.attempts - 1];
  const outcome = ok ? "succeeded" : wait === undefined || !target ? "failed" : "retrying";
  const done = clock();
  await db.transaction(async (tx) => {
    const [updated] = await tx
      .update(webhookDeliveries)
      .set({
        status: outcome === "retrying" ? "pending" : outcome,
        nextAttemptAt: outcome === "retrying" ? new Date(done.getTime() + wait!) : done,
        leaseToken: null,
        leaseUntil: null,
        lastStatusCode: status,
        lastError: error,
        completedAt: outcome === "retrying" ? null : done,
      })
      .where(and(eq(webhookDeliveries.id, row.id), eq(webhookDeliveries.leaseToken, token)))
      .returning({ id: webhookDeliveries.id });
    // Lease lost (this attempt outlived it and another instance took the delivery over): that one records.
    if (!updated) return;
    await tx
      .insert(webhookAttempts)
      .values({ deliveryId: row.id, attemptedAt: at, statusCode: status, error, durationMs, responseSnippet: snippet });
  });
  return outcome;
}

/** Pending deliveries of endpoints (for tests and the console's "queued" count). */
export async function countPendingDeliveries(db: Db, endpointIds: string[]): Promise<number> {
  if (!endpointIds.length) return 0;
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(webhookDeliveries)
    .where(and(inArray(webhookDeliveries.endpointId, endpointIds), eq(webhookDeliveries.status, "pending")));
  return Number(row?.n ?? 0);
}
