import { and, desc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { webhookAttempts, webhookDeliveries, webhookEndpoints, webhookEvents, type WebhookEndpoint } from "@/db/schema";
import { sealSecret } from "@/lib/crypto/secret-box";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import {
  webhookEndpointCreateSchema,
  webhookEndpointUpdateSchema,
  type WebhookDeliveryDto,
  type WebhookEndpointCreateInput,
  type WebhookEndpointUpdateInput,
} from "@/lib/schemas/webhooks";
import { WEBHOOK_DELIVERY_JOB, webhookMessageId } from "@/lib/webhooks/emit";
import { generateWebhookSecret } from "@/lib/webhooks/signature";
import { recordAudit, type AuditActor } from "./audit";
import { nudgeJob } from "./jobs";

export { WEBHOOK_DELIVERY_JOB };

/** A workspace's own endpoints, or the operator's instance-level ones (every workspace's events). */
export type WebhookScope = { kind: "workspace"; workspaceId: string } | { kind: "instance" };

const SECRET_PREFIX_LENGTH = "whsec_".length + 4;

function scopeWhere(scope: WebhookScope) {
  return scope.kind === "workspace" ? eq(webhookEndpoints.workspaceId, scope.workspaceId) : isNull(webhookEndpoints.workspaceId);
}

async function audit(db: Db, scope: WebhookScope, actor: AuditActor, entry: Parameters<typeof recordAudit>[3]) {
  if (scope.kind === "workspace") await recordAudit(db, scope.workspaceId, actor, entry);
}

/** http:// only outside production (and then only to loopback, checked again at every delivery). */
function assertUrlAllowed(url: string) {
  if (new URL(url).protocol === "http:" && env().isProduction) {
    throw new AppError("VALIDATION_FAILED", {
      message: "Webhook URLs must use https.",
      fields: [{ path: "url", message: "Use an https:// URL" }],
    });
  }
}

/** Create an endpoint; `secret` ("whsec_…") is returned this once (it is stored sealed, for signing). */
export async function createWebhookEndpoint(
  db: Db,
  scope: WebhookScope,
  input: WebhookEndpointCreateInput,
  actor: AuditActor,
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const data = webhookEndpointCreateSchema.parse(input);
  assertUrlAllowed(data.url);
  const secret = generateWebhookSecret();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(webhookEndpoints)
      .values({
        workspaceId: scope.kind === "workspace" ? scope.workspaceId : null,
        url: data.url,
        description: data.description || null,
        eventTypes: [...new Set(data.eventTypes)],
        secretSealed: sealSecret(secret),
        secretPrefix: secret.slice(0, SECRET_PREFIX_LENGTH),
        createdBy: actor.userId ?? null,
      })
      .returning();
    await audit(tx, scope, actor, {
      action: "webhook.created",
      targetType: "webhook_endpoint",
      targetId: row!.id,
      after: { url: row!.url, eventTypes: row!.eventTypes },
    });
    return { endpoint: row!, secret };
  });
}

/** Endpoints of a scope; `null`: every endpoint of the instance (operator CLI). */
export async function listWebhookEndpoints(db: Db, scope: WebhookScope | null): Promise<WebhookEndpoint[]> {
  return db
    .select()
    .from(webhookEndpoints)
    .where(scope ? scopeWhere(scope) : undefined)
    .orderBy(webhookEndpoints.createdAt);
}

export async function getWebhookEndpointOrThrow(db: Db, scope: WebhookScope, id: string): Promise<WebhookEndpoint> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppError("NOT_FOUND");
  const [row] = await db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, id), scopeWhere(scope)));
  if (!row) throw new AppError("NOT_FOUND");
  return row;
}

/** Find an endpoint by id in any scope (operator CLI). */
export async function findWebhookScope(db: Db, id: string): Promise<WebhookScope> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppError("NOT_FOUND", { message: `No webhook endpoint ${id}.` });
  const [row] = await db.select({ workspaceId: webhookEndpoints.workspaceId }).from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
  if (!row) throw new AppError("NOT_FOUND", { message: `No webhook endpoint ${id}.` });
  return row.workspaceId ? { kind: "workspace", workspaceId: row.workspaceId } : { kind: "instance" };
}

export async function updateWebhookEndpoint(
  db: Db,
  scope: WebhookScope,
  id: string,
  input: WebhookEndpointUpdateInput,
  actor: AuditActor,
): Promise<WebhookEndpoint> {
  const data = webhookEndpointUpdateSchema.parse(input);
  if (data.url) assertUrlAllowed(data.url);
  return db.transaction(async (tx) => {
    const before = await getWebhookEndpointOrThrow(tx, scope, id);
    const [row] = await tx
      .update(webhookEndpoints)
      .set({
        ...(data.url !== undefined ? { url: data.url } : {}),
        ...(data.description !== undefined ? { description: data.description || null } : {}),
        ...(data.eventTypes !== undefined ? { eventTypes: [...new Set(data.eventTypes)] } : {}),
        ...(data.enabled !== undefined ? { enabled: data.enabled } : {}),
        updatedAt: new Date(),
      })
      .where(eq(webhookEndpoints.id, before.id))
      .returning();
    await audit(tx, scope, actor, {
      action: "webhook.updated",
      targetType: "webhook_endpoint",
      targetId: id,
      before: { url: before.url, eventTypes: before.eventTypes, enabled: before.enabled },
      after: { url: row!.url, eventTypes: row!.eventTypes, enabled: row!.enabled },
    });
    return row!;
  });
}

export async function deleteWebhookEndpoint(db: Db, scope: WebhookScope, id: string, actor: AuditActor): Promise<void> {
  await db.transaction(async (tx) => {
    const before = await getWebhookEndpointOrThrow(tx, scope, id);
    await tx.delete(webhookEndpoints).where(eq(webhookEndpoints.id, before.id));
    await audit(tx, scope, actor, {
      action: "webhook.deleted",
      targetType: "webhook_endpoint",
      targetId: id,
      before: { url: before.url, eventTypes: before.eventTypes },
    });
  });
}

const deliveryColumns = {
  delivery: webhookDeliveries,
  eventType: webhookEvents.type,
};

/** An endpoint's deliveries, newest first, each with its attempt log (cursor: the last row's seq). */
export async function listWebhookDeliveries(
  db: Db,
  scope: WebhookScope,
  endpointId: string,
  opts: { cursor?: string | null; limit?: number; status?: "pending" | "succeeded" | "failed" } = {},
): Promise<{ items: WebhookDeliveryDto[]; nextCursor: string | null }> {
  await getWebhookEndpointOrThrow(db, scope, endpointId);
  const limit = Math.max(1, Math.min(opts.limit ?? 50, 200));
  const before = opts.cursor && /^\d{1,18}$/.test(opts.cursor) ? Number(opts.cursor) : null;
  const rows = await db
    .select(deliveryColumns)
    .from(webhookDeliveries)
    .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
    .where(
      and(
        eq(webhookDeliveries.endpointId, endpointId),
        before !== null ? lt(webhookDeliveries.seq, before) : undefined,
        opts.status ? eq(webhookDeliveries.status, opts.status) : undefined,
      ),
    )
    .orderBy(desc(webhookDeliveries.seq))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const attempts = page.length
    ? await db
        .select()
        .from(webhookAttempts)
        .where(
          inArray(
            webhookAttempts.deliveryId,
            page.map((r) => r.delivery.id),
          ),
        )
        .orderBy(webhookAttempts.attemptedAt)
    : [];
  const items = page.map(({ delivery: d, eventType }) => ({
    id: d.id,
    event_id: d.eventId,
    webhook_id: webhookMessageId(d.eventId),
    event_type: eventType,
    organization_id: d.workspaceId,
    status: d.status,
    attempts: d.attempts,
    next_attempt_at: d.status === "pending" ? d.nextAttemptAt.toISOString() : null,
    last_status_code: d.lastStatusCode,
    last_error: d.lastError,
    manual: d.manual,
    created_at: d.createdAt.toISOString(),
    completed_at: d.completedAt?.toISOString() ?? null,
    attempt_log: attempts
      .filter((a) => a.deliveryId === d.id)
      .map((a) => ({ attempted_at: a.attemptedAt.toISOString(), status_code: a.statusCode, error: a.error, duration_ms: a.durationMs })),
  }));
  const last = page[page.length - 1];
  return { items, nextCursor: rows.length > limit && last ? String(last.delivery.seq) : null };
}

/**
 * Send an event to the endpoint again: a new delivery (same `webhook-id`) queued after the endpoint's
 * other pending deliveries of that workspace, attempted at once when nothing is ahead of it.
 */
export async function redeliverWebhook(
  db: Db,
  scope: WebhookScope,
  endpointId: string,
  deliveryId: string,
  actor: AuditActor,
): Promise<{ deliveryId: string }> {
  if (!/^[0-9a-f-]{36}$/i.test(deliveryId)) throw new AppError("NOT_FOUND");
  const created = await db.transaction(async (tx) => {
    const endpoint = await getWebhookEndpointOrThrow(tx, scope, endpointId);
    const [original] = await tx
      .select()
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.endpointId, endpoint.id)));
    if (!original) throw new AppError("NOT_FOUND");
    const [row] = await tx
      .insert(webhookDeliveries)
      .values({ eventId: original.eventId, endpointId: endpoint.id, workspaceId: original.workspaceId, manual: true })
      .returning({ id: webhookDeliveries.id });
    await audit(tx, scope, actor, {
      action: "webhook.redelivered",
      targetType: "webhook_endpoint",
      targetId: endpoint.id,
      after: { eventId: original.eventId, deliveryId: row!.id },
    });
    return row!.id;
  });
  nudgeJob(WEBHOOK_DELIVERY_JOB);
  return { deliveryId: created };
}

/** Per endpoint: deliveries waiting, and failures in the last 24 h (console list). */
export async function webhookEndpointStats(db: Db, endpointIds: string[], now = new Date()) {
  if (!endpointIds.length) return new Map<string, { pending: number; failed24h: number }>();
  const rows = await db
    .select({
      endpointId: webhookDeliveries.endpointId,
      pending: sql<number>`count(*) filter (where ${webhookDeliveries.status} = 'pending')::int`,
      failed24h: sql<number>`count(*) filter (where ${webhookDeliveries.status} = 'failed' or (${webhookDeliveries.lastError} is not null and ${webhookDeliveries.lastAttemptAt} > ${new Date(now.getTime() - 86_400_000).toISOString()}::timestamptz))::int`,
    })
    .from(webhookDeliveries)
    .where(or(...endpointIds.map((id) => eq(webhookDeliveries.endpointId, id))))
    .groupBy(webhookDeliveries.endpointId);
  return new Map(rows.map((r) => [r.endpointId, { pending: Number(r.pending), failed24h: Number(r.failed24h) }]));
}
