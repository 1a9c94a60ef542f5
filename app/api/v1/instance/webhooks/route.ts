// GET /api/v1/instance/webhooks (the operator's instance-level endpoints: every organization's events) and POST — operator keys only.
import { operatorRoute } from "@/lib/api/handler";
import { INSTANCE_SCOPE, webhookResource } from "@/lib/api/resources/webhooks";
import { apiWebhookEndpointCreateSchema } from "@/lib/api/schemas/webhooks";

export const GET = operatorRoute({}, (ctx) => webhookResource.list(ctx.db, INSTANCE_SCOPE));

export const POST = operatorRoute({ body: apiWebhookEndpointCreateSchema, idempotent: true }, (ctx) =>
  webhookResource.create(ctx.db, INSTANCE_SCOPE, ctx.body, ctx.actor),
);
