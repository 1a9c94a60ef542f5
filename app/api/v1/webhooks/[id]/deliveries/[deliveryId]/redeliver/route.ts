// POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver: send the event to the endpoint again (same webhook-id).
import { apiRoute } from "@/lib/api/handler";
import { webhookDeliveryParamsSchema } from "@/lib/api/schemas/webhooks";
import { redeliverWebhook } from "@/lib/services/webhooks";

export const POST = apiRoute({ minRole: "admin", params: webhookDeliveryParamsSchema }, async (ctx) => {
  const r = await redeliverWebhook(
    ctx.db,
    { kind: "workspace", workspaceId: ctx.workspace.id },
    ctx.params.id,
    ctx.params.deliveryId,
    ctx.actor,
  );
  return { status: 202, data: { delivery_id: r.deliveryId } };
});
