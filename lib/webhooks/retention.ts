import { and, eq, lt, notExists } from "drizzle-orm";
import type { Db } from "@/db";
import { webhookDeliveries, webhookEvents } from "@/db/schema";

/** How long delivered (or given-up) events stay readable in the delivery log. */
export const WEBHOOK_HISTORY_RETENTION_DAYS = 30;

/**
 * Delete events older than the retention period whose deliveries are all finished (succeeded or
 * given up); their deliveries and attempts go with them. An event still being retried is kept,
 * however old, so the in-order queue of its endpoint is never broken.
 */
export async function purgeWebhookHistory(db: Db, now: Date, days = WEBHOOK_HISTORY_RETENTION_DAYS): Promise<{ purged: number }> {
  const cutoff = new Date(now.getTime() - days * 86_400_000);
  const pending = db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.eventId, webhookEvents.id), eq(webhookDeliveries.status, "pending")));
  const rows = await db
    .delete(webhookEvents)
    .where(and(lt(webhookEvents.createdAt, cutoff), notExists(pending)))
    .returning({ id: webhookEvents.id });
  return { purged: rows.length };
}
