// GET /api/v1/webhooks/{id}/deliveries: the delivery log, newest first, each with its attempts and response codes.
import { apiRoute } from "@/lib/api/handler";
import { webhookResource, workspaceScope } from "@/lib/api/resources/webhooks";
import { idParamsSchema } from "@/lib/api/schemas/common";
import { apiWebhookDeliveryListQuerySchema } from "@/lib/api/schemas/webhooks";

export const GET = apiRoute({ minRole: "admin", params: idParamsSchema, query: apiWebhookDeliveryListQuerySchema }, (ctx) =>
  webhookResource.deliveries(ctx.db, workspaceScope(ctx.workspace.id), ctx.params.id, ctx.query),
);
