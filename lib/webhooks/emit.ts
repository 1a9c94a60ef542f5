import { randomUUID } from "node:crypto";
import { and, eq, isNull, or, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { rowsOf } from "@/db/rows";
import { webhookDeliveries, webhookEndpoints, webhookEvents } from "@/db/schema";
import { OPT_IN_EVENT_TYPES, WEBHOOK_EVENTS, type WebhookEventData, type WebhookEventType } from "./events";

/** The scheduler job that delivers queued events (server/jobs.ts); nudge it after a commit that queued some. */
export const WEBHOOK_DELIVERY_JOB = "webhooks.deliver";

export type EmitEventInput<T extends WebhookEventType> = {
  workspaceId: string;
  type: T;
  data: WebhookEventData<T>;
  /** When the change happened (default: now). */
  at?: Date;
};

/**
 * Report a change to the app: call it inside the transaction that makes the change, so the event is
 * written (to the outbox) exactly when the change commits. One delivery row is queued per enabled
 * endpoint that wants the type: the workspace's own endpoints and the operator's instance-level ones.
 * The "webhooks.deliver" job sends them. Returns the event id, or null when no endpoint wants it.
 * One statement (issue 16: three round trips before): the endpoints that want it, the event row only
 * if there is one, and a delivery row for each.
 */
export async function emitEvent<T extends WebhookEventType>(db: Db, e: EmitEventInput<T>): Promise<string | null> {
  const data = WEBHOOK_EVENTS[e.type].data.parse(e.data);
  const at = e.at ?? new Date();
  const body = JSON.stringify({ type: e.type, timestamp: at.toISOString(), data });
  // Which endpoints want it: those that list the type, and those with an empty filter unless the type is opt-in.
  const optIn = OPT_IN_EVENT_TYPES.includes(e.type);
  const targets = db
    .select({ id: webhookEndpoints.id })
    .from(webhookEndpoints)
    .where(
      and(
        eq(webhookEndpoints.enabled, true),
        or(eq(webhookEndpoints.workspaceId, e.workspaceId), isNull(webhookEndpoints.workspaceId)),
        or(sql`(cardinality(${webhookEndpoints.eventTypes}) = 0 and not ${optIn})`, sql`${e.type} = any(${webhookEndpoints.eventTypes})`),
      ),
    );
  const queued = rowsOf<{ event_id: string }>(
    await db.execute(sql`
      with targets as (${targets}),
      event as (
        insert into ${webhookEvents} (id, workspace_id, type, body, created_at)
        select ${randomUUID()}::uuid, ${e.workspaceId}::uuid, ${e.type}, ${body}, ${at.toISOString()}::timestamptz
        where exists (select 1 from targets)
        returning id
      )
      insert into ${webhookDeliveries} (event_id, endpoint_id, workspace_id, next_attempt_at, created_at)
      select event.id, targets.id, ${e.workspaceId}::uuid, ${at.toISOString()}::timestamptz, ${at.toISOString()}::timestamptz
      from event cross join targets
      returning event_id`),
  );
  return queued[0]?.event_id ?? null;
}

/** The `webhook-id` of an event: the same on every attempt and redelivery, so receivers can drop duplicates. */
export function webhookMessageId(eventId: string): string {
  return `msg_${eventId.replace(/-/g, "")}`;
}
