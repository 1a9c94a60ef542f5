// POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver: send the event to the endpoint again (same webhook-id).
import { apiRoute } from "@/lib/api/handler";
import { webhookResource, workspaceScope } from "@/lib/api/resources/webhooks";
import { webhookDeliveryParamsSchema } from "@/lib/api/schemas/webhooks";

export const POST = apiRoute({ minRole: "admin", params: webhookDeliveryParamsSchema }, (ctx) =>
  webhookResource.redeliver(ctx.db, workspaceScope(ctx.workspace.id), ctx.params.id, ctx.params.deliveryId, ctx.actor),
);
