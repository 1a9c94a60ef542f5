import { z } from "zod";
import { webhookDeliveryListQuerySchema, webhookEndpointCreateSchema, webhookEndpointUpdateSchema } from "@/lib/schemas/webhooks";
import { apiSchema } from "../case";

/** REST API requests for webhook endpoints: the operation schemas under snake_case keys (see lib/api/case.ts). */
export const apiWebhookEndpointCreateSchema = apiSchema(webhookEndpointCreateSchema, {
  acceptCamelCase: true,
  meta: { id: "WebhookEndpointCreate" },
});
export const apiWebhookEndpointUpdateSchema = apiSchema(webhookEndpointUpdateSchema, {
  acceptCamelCase: true,
  meta: { id: "WebhookEndpointUpdate" },
});
export const apiWebhookDeliveryListQuerySchema = apiSchema(webhookDeliveryListQuerySchema);

export const webhookDeliveryParamsSchema = z.object({
  id: z.guid().meta({ description: "Webhook endpoint id." }),
  deliveryId: z.guid().meta({ description: "Delivery id." }),
});
