// GET /api/v1/instance/webhooks/{id}/deliveries: the delivery log of an instance-level endpoint — operator keys only.
import { operatorRoute } from "@/lib/api/handler";
import { INSTANCE_SCOPE, webhookResource } from "@/lib/api/resources/webhooks";
import { idParamsSchema } from "@/lib/api/schemas/common";
import { apiWebhookDeliveryListQuerySchema } from "@/lib/api/schemas/webhooks";

export const GET = operatorRoute({ params: idParamsSchema, query: apiWebhookDeliveryListQuerySchema }, (ctx) =>
  webhookResource.deliveries(ctx.db, INSTANCE_SCOPE, ctx.params.id, ctx.query),
);
