import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { outbox, type OutboxMessage } from "@/db/schema";
import { openSecret } from "@/lib/crypto/secret-box";
import { fillPlaceholders } from "./render";
import type { EmailDelivery } from "./transport";

/** Waits after the 1st, 2nd, … failed attempt; after MAX_EMAIL_ATTEMPTS the message is marked failed. */
export const EMAIL_RETRY_MS = [30_000, 2 * 60_000, 10 * 60_000, 30 * 60_000];
export const MAX_EMAIL_ATTEMPTS = EMAIL_RETRY_MS.length + 1;
/** How long a claimed message stays with the instance that claimed it (SMTP timeouts plus bookkeeping). */
const LEASE_MS = 60_000;

export type EmailDeliverySummary = { sent: number; captured: number; retrying: number; failed: number };

/**
 * Claim up to `limit` due messages for this run. One UPDATE over rows locked with SKIP LOCKED, which
 * re-checks status and lease on each row it takes: two instances never claim the same message.
 * Password reset requests are prepared first (lib/services/password-reset.ts), never sent as they are.
 */
export async function claimEmails(db: Db, now: Date, limit: number): Promise<{ token: string; rows: OutboxMessage[] }> {
  const token = randomUUID();
  const at = now.toISOString();
  const rows = await db
    .update(outbox)
    .set({ leaseToken: token, leaseUntil: new Date(now.getTime() + LEASE_MS), attempts: sql`${outbox.attempts} + 1` })
    .where(
      and(
        sql`${outbox.id} in (
          select id from ${outbox}
          where status = 'pending' and kind <> 'password_reset_request' and next_attempt_at <= ${at}::timestamptz
            and (lease_until is null or lease_until <= ${at}::timestamptz)
          order by next_attempt_at, created_at
          limit ${limit}
          for update skip locked)`,
        eq(outbox.status, "pending"),
        sql`(${outbox.leaseUntil} is null or ${outbox.leaseUntil} <= ${at}::timestamptz)`,
      ),
    )
    .returning();
  return { token, rows };
}

/** The message as it goes out: secret placeholders filled in (raw in text, escaped in HTML). */
export function materialize(row: Pick<OutboxMessage, "to" | "subject" | "body" | "html" | "secretsEncrypted">) {
  const secrets = row.secretsEncrypted ? (JSON.parse(openSecret(row.secretsEncrypted)) as Record<string, string>) : {};
  return {
    to: row.to,
    subject: row.subject,
    text: fillPlaceholders(row.body, secrets, "text"),
    html: row.html ? fillPlaceholders(row.html, secrets, "html") : null,
    secrets,
  };
}

/**
 * What is kept of a failure: the error's message and SMTP response code, with every secret of the
 * message (links with tokens) and any credentials in a URL taken out.
 */
export function describeEmailError(err: unknown, secrets: Record<string, string>): string {
  const e = err as { message?: unknown; responseCode?: unknown; code?: unknown };
  let text = typeof e?.message === "string" ? e.message : String(err);
  if (typeof e?.code === "string" && !text.includes(e.code)) text = `${e.code}: ${text}`;
  for (const v of Object.values(secrets)) if (v) text = text.split(v).join("[redacted]");
  text = text.replace(/\/\/[^/@\s]*@/g, "//[redacted]@").replace(/(AUTH\s+\S+\s+)\S+/gi, "$1[redacted]");
  return text.slice(0, 500);
}

/**
 * Send every due message (in rounds of `batchSize`) until none is due or the budget is spent. Each
 * result is written only while this run still holds the message's lease.
 */
export async function deliverEmails(
  db: Db,
  opts: { delivery: EmailDelivery; now?: () => Date; batchSize?: number; budgetMs?: number },
): Promise<EmailDeliverySummary> {
  const summary: EmailDeliverySummary = { sent: 0, captured: 0, retrying: 0, failed: 0 };
  if (opts.delivery.mode === "off") return summary;
  const clock = opts.now ?? (() => new Date());
  const started = Date.now();
  for (;;) {
    if (opts.budgetMs !== undefined && Date.now() - started > opts.budgetMs) break;
    const { token, rows } = await claimEmails(db, clock(), opts.batchSize ?? 20);
    if (!rows.length) break;
    for (const row of rows) {
      const mine = and(eq(outbox.id, row.id), eq(outbox.leaseToken, token));
      if (opts.delivery.mode === "capture") {
        await db.update(outbox).set({ status: "captured", sentAt: clock(), leaseUntil: null }).where(mine);
        summary.captured++;
        continue;
      }
      let secrets: Record<string, string> = {};
      try {
        const m = materialize(row);
        secrets = m.secrets;
        const info = await opts.delivery.mailer.send(m);
        await db
          .update(outbox)
          .set({ status: "sent", sentAt: clock(), messageId: info.messageId.slice(0, 300), leaseUntil: null, lastError: null })
          .where(mine);
        summary.sent++;
      } catch (err) {
        const lastError = describeEmailError(err, secrets);
        const failed = row.attempts >= MAX_EMAIL_ATTEMPTS;
        const wait = EMAIL_RETRY_MS[Math.min(row.attempts - 1, EMAIL_RETRY_MS.length - 1)]!;
        await db
          .update(outbox)
          .set({
            status: failed ? "failed" : "pending",
            lastError,
            leaseUntil: null,
            nextAttemptAt: new Date(clock().getTime() + (failed ? 0 : wait)),
          })
          .where(mine);
        if (failed) summary.failed++;
        else summary.retrying++;
      }
    }
  }
  return summary;
}
