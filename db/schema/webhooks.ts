import { sql } from "drizzle-orm";
import { bigserial, boolean, index, integer, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { connections } from "./connections";
import { users } from "./users";
import { workspaces } from "./workspaces";

/**
 * Where events are delivered (Standard Webhooks). `workspaceId` null: an instance-level endpoint of the
 * operator, which receives every workspace's events.
 */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: uuid().primaryKey().defaultRandom(),
    workspaceId: uuid().references(() => workspaces.id, { onDelete: "cascade" }),
    url: text().notNull(),
    description: text(),
    /** Event types delivered; empty: every type except the opt-in ones (sso.sign_in_failed). */
    eventTypes: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** The signing secret ("whsec_…"), sealed with ENCRYPTION_KEY: signing needs it in clear. */
    secretSealed: text().notNull(),
    /** First characters of the secret, shown in lists. */
    secretPrefix: text().notNull(),
    enabled: boolean().notNull().default(true),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("webhook_endpoints_workspace_idx").on(t.workspaceId)],
);

/** The outbox: one row per event, written in the same transaction as the change it reports. */
export const webhookEvents = pgTable(
  "webhook_events",
  {
    id: uuid().primaryKey().defaultRandom(),
    workspaceId: uuid()
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    type: text().notNull(),
    /** The exact JSON body sent (and signed) on every attempt: { type, timestamp, data }. */
    body: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("webhook_events_workspace_created_idx").on(t.workspaceId, t.createdAt)],
);

/**
 * One event for one endpoint. Deliveries of one (endpoint, workspace) go out in `seq` order: only the
 * oldest pending one is attempted, so a receiver that was down gets everything, in order, once it is back.
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: uuid().primaryKey().defaultRandom(),
    seq: bigserial({ mode: "number" }).notNull(),
    eventId: uuid()
      .notNull()
      .references(() => webhookEvents.id, { onDelete: "cascade" }),
    endpointId: uuid()
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    workspaceId: uuid()
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    status: text().$type<"pending" | "succeeded" | "failed">().notNull().default("pending"),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** Set while one instance sends it; another instance may take it only after `leaseUntil`. */
    leaseToken: uuid(),
    leaseUntil: timestamp({ withTimezone: true }),
    lastAttemptAt: timestamp({ withTimezone: true }),
    lastStatusCode: integer(),
    lastError: text(),
    completedAt: timestamp({ withTimezone: true }),
    /** Made by "Redeliver" (console, REST, CLI) rather than by the event. */
    manual: boolean().notNull().default(false),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("webhook_deliveries_queue_idx")
      .on(t.endpointId, t.workspaceId, t.seq)
      .where(sql`status = 'pending'`),
    index("webhook_deliveries_endpoint_created_idx").on(t.endpointId, t.createdAt),
    index("webhook_deliveries_event_idx").on(t.eventId),
  ],
);

/** The delivery log: every HTTP attempt with its outcome. */
export const webhookAttempts = pgTable(
  "webhook_attempts",
  {
    id: uuid().primaryKey().defaultRandom(),
    deliveryId: uuid()
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    attemptedAt: timestamp({ withTimezone: true }).notNull(),
    statusCode: integer(),
    error: text(),
    durationMs: integer().notNull(),
    /** The first characters of the receiver's answer (for debugging). */
    responseSnippet: text(),
  },
  (t) => [index("webhook_attempts_delivery_idx").on(t.deliveryId, t.attemptedAt)],
);

/** connection.certificate_expiring is sent once per certificate and threshold (30 and 7 days). */
export const certificateExpiryNotices = pgTable(
  "certificate_expiry_notices",
  {
    connectionId: uuid()
      .notNull()
      .references(() => connections.id, { onDelete: "cascade" }),
    fingerprint: text().notNull(),
    thresholdDays: integer().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.connectionId, t.fingerprint, t.thresholdDays] })],
);

export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;
export type WebhookEvent = typeof webhookEvents.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
export type WebhookAttempt = typeof webhookAttempts.$inferSelect;
