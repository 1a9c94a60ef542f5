// POST /api/v1/instance/webhooks/{id}/deliveries/{deliveryId}/redeliver — operator keys only.
import { operatorRoute } from "@/lib/api/handler";
import { INSTANCE_SCOPE, webhookResource } from "@/lib/api/resources/webhooks";
import { webhookDeliveryParamsSchema } from "@/lib/api/schemas/webhooks";

export const POST = operatorRoute({ params: webhookDeliveryParamsSchema }, (ctx) =>
  webhookResource.redeliver(ctx.db, INSTANCE_SCOPE, ctx.params.id, ctx.params.deliveryId, ctx.actor),
);
