// GET /api/v1/webhooks/{id}/deliveries: the delivery log, newest first, each with its attempts and response codes.
import { apiRoute } from "@/lib/api/handler";
import { idParamsSchema } from "@/lib/api/schemas/common";
import { apiWebhookDeliveryListQuerySchema } from "@/lib/api/schemas/webhooks";
import { listWebhookDeliveries } from "@/lib/services/webhooks";

export const GET = apiRoute({ minRole: "admin", params: idParamsSchema, query: apiWebhookDeliveryListQuerySchema }, async (ctx) => {
  const page = await listWebhookDeliveries(ctx.db, { kind: "workspace", workspaceId: ctx.workspace.id }, ctx.params.id, ctx.query);
  return { data: page.items, nextCursor: page.nextCursor };
});
