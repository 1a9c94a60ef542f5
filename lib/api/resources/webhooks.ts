import type { Db } from "@/db";
import { toWebhookEndpointDto } from "@/lib/api/dto/webhooks";
import type { AuditActor } from "@/lib/services/audit";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookEndpointOrThrow,
  listWebhookDeliveries,
  listWebhookEndpoints,
  redeliverWebhook,
  updateWebhookEndpoint,
  type WebhookScope,
} from "@/lib/services/webhooks";
import type { ApiResult } from "../handler";

type Create = Parameters<typeof createWebhookEndpoint>[2];
type Update = Parameters<typeof updateWebhookEndpoint>[3];
type DeliveryQuery = Parameters<typeof listWebhookDeliveries>[3];

/**
 * The webhook endpoint resource, the same for a workspace's endpoints (/api/v1/webhooks, workspace
 * keys) and the operator's instance-level ones (/api/v1/instance/webhooks, operator keys): the routes
 * only choose the scope and who may call.
 */
export const webhookResource = {
  async list(db: Db, scope: WebhookScope): Promise<ApiResult> {
    return { data: (await listWebhookEndpoints(db, scope)).map(toWebhookEndpointDto), nextCursor: null };
  },
  async create(db: Db, scope: WebhookScope, body: Create, actor: AuditActor): Promise<ApiResult> {
    const { endpoint, secret } = await createWebhookEndpoint(db, scope, body, actor);
    const dto = toWebhookEndpointDto(endpoint);
    // The signing secret is shown once: the idempotency store keeps (and a replay returns) the answer without it.
    return { status: 201, data: { ...dto, secret }, replayData: { ...dto, secret: null } };
  },
  async get(db: Db, scope: WebhookScope, id: string): Promise<ApiResult> {
    return { data: toWebhookEndpointDto(await getWebhookEndpointOrThrow(db, scope, id)) };
  },
  async update(db: Db, scope: WebhookScope, id: string, body: Update, actor: AuditActor): Promise<ApiResult> {
    return { data: toWebhookEndpointDto(await updateWebhookEndpoint(db, scope, id, body, actor)) };
  },
  async remove(db: Db, scope: WebhookScope, id: string, actor: AuditActor): Promise<ApiResult> {
    await deleteWebhookEndpoint(db, scope, id, actor);
    return { data: { id, deleted: true } };
  },
  async deliveries(db: Db, scope: WebhookScope, id: string, query: DeliveryQuery): Promise<ApiResult> {
    const page = await listWebhookDeliveries(db, scope, id, query);
    return { data: page.items, nextCursor: page.nextCursor };
  },
  async redeliver(db: Db, scope: WebhookScope, id: string, deliveryId: string, actor: AuditActor): Promise<ApiResult> {
    const r = await redeliverWebhook(db, scope, id, deliveryId, actor);
    return { status: 202, data: { delivery_id: r.deliveryId } };
  },
};

export const INSTANCE_SCOPE: WebhookScope = { kind: "instance" };
export const workspaceScope = (workspaceId: string): WebhookScope => ({ kind: "workspace", workspaceId });
