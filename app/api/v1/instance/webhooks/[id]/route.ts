// GET /api/v1/instance/webhooks/{id}, PATCH and DELETE — operator keys only.
import { operatorRoute } from "@/lib/api/handler";
import { INSTANCE_SCOPE, webhookResource } from "@/lib/api/resources/webhooks";
import { idParamsSchema } from "@/lib/api/schemas/common";
import { apiWebhookEndpointUpdateSchema } from "@/lib/api/schemas/webhooks";

export const GET = operatorRoute({ params: idParamsSchema }, (ctx) => webhookResource.get(ctx.db, INSTANCE_SCOPE, ctx.params.id));

export const PATCH = operatorRoute({ params: idParamsSchema, body: apiWebhookEndpointUpdateSchema }, (ctx) =>
  webhookResource.update(ctx.db, INSTANCE_SCOPE, ctx.params.id, ctx.body, ctx.actor),
);

export const DELETE = operatorRoute({ params: idParamsSchema }, (ctx) =>
  webhookResource.remove(ctx.db, INSTANCE_SCOPE, ctx.params.id, ctx.actor),
);
