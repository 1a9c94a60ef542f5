import { and, eq, isNull, or, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { webhookDeliveries, webhookEndpoints, webhookEvents } from "@/db/schema";
import { endpointWantsEvent, WEBHOOK_EVENTS, type WebhookEventData, type WebhookEventType } from "./events";

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
 */
export async function emitEvent<T extends WebhookEventType>(db: Db, e: EmitEventInput<T>): Promise<string | null> {
  const data = WEBHOOK_EVENTS[e.type].data.parse(e.data);
  const endpoints = await db
    .select({ id: webhookEndpoints.id, eventTypes: webhookEndpoints.eventTypes })
    .from(webhookEndpoints)
    .where(
      and(
        eq(webhookEndpoints.enabled, true),
        or(eq(webhookEndpoints.workspaceId, e.workspaceId), isNull(webhookEndpoints.workspaceId)),
        or(sql`cardinality(${webhookEndpoints.eventTypes}) = 0`, sql`${e.type} = any(${webhookEndpoints.eventTypes})`),
      ),
    );
  const targets = endpoints.filter((ep) => endpointWantsEvent(ep.eventTypes, e.type));
  if (!targets.length) return null;
  const at = e.at ?? new Date();
  const body = JSON.stringify({ type: e.type, timestamp: at.toISOString(), data });
  const [event] = await db.insert(webhookEvents).values({ workspaceId: e.workspaceId, type: e.type, body, createdAt: at }).returning({
    id: webhookEvents.id,
  });
  await db
    .insert(webhookDeliveries)
    .values(targets.map((ep) => ({ eventId: event!.id, endpointId: ep.id, workspaceId: e.workspaceId, nextAttemptAt: at, createdAt: at })));
  return event!.id;
}

/** The `webhook-id` of an event: the same on every attempt and redelivery, so receivers can drop duplicates. */
export function webhookMessageId(eventId: string): string {
  return `msg_${eventId.replace(/-/g, "")}`;
}
