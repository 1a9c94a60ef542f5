import { z } from "zod";
import { deletedSchema, idParamsSchema } from "@/lib/api/schemas/common";
import {
  apiWebhookDeliveryListQuerySchema,
  apiWebhookEndpointCreateSchema,
  apiWebhookEndpointUpdateSchema,
  webhookDeliveryParamsSchema,
} from "@/lib/api/schemas/webhooks";
import { webhookDeliveryDtoSchema, webhookEndpointDtoSchema, webhookEndpointWithSecretSchema } from "@/lib/schemas/webhooks";
import { WEBHOOK_EVENT_TYPES, WEBHOOK_EVENTS, webhookPayloadSchema } from "@/lib/webhooks/events";
import { registerApiPath, registry } from "../registry";

const tags = ["Webhooks"];

registerApiPath({
  method: "get",
  path: "/api/v1/webhooks",
  summary: "List webhook endpoints",
  description:
    "The workspace's endpoints. (Instance-level endpoints, which receive every workspace's events, are managed by the operator.)",
  tags,
  minRole: "admin",
  response: webhookEndpointDtoSchema,
  list: true,
});

registerApiPath({
  method: "post",
  path: "/api/v1/webhooks",
  summary: "Create a webhook endpoint",
  description:
    "Events are POSTed as JSON signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256>`). " +
    "The signing `secret` (whsec_…) is in the response once. Deliveries to one endpoint go out in order per organization, retried with backoff for 27 h.",
  tags,
  minRole: "admin",
  body: apiWebhookEndpointCreateSchema,
  response: webhookEndpointWithSecretSchema,
  status: 201,
  idempotent: true,
});

registerApiPath({
  method: "get",
  path: "/api/v1/webhooks/{id}",
  summary: "Get a webhook endpoint",
  tags,
  minRole: "admin",
  params: idParamsSchema,
  response: webhookEndpointDtoSchema,
});

registerApiPath({
  method: "patch",
  path: "/api/v1/webhooks/{id}",
  summary: "Change a webhook endpoint",
  description: "URL, event types, description, or `enabled` (off: no new events are queued for it; queued ones wait until it is on again).",
  tags,
  minRole: "admin",
  params: idParamsSchema,
  body: apiWebhookEndpointUpdateSchema,
  response: webhookEndpointDtoSchema,
});

registerApiPath({
  method: "delete",
  path: "/api/v1/webhooks/{id}",
  summary: "Delete a webhook endpoint",
  tags,
  minRole: "admin",
  params: idParamsSchema,
  response: deletedSchema,
});

registerApiPath({
  method: "get",
  path: "/api/v1/webhooks/{id}/deliveries",
  summary: "The delivery log",
  description: "Deliveries to the endpoint, newest first, with status, attempts and each attempt's response code or error.",
  tags,
  minRole: "admin",
  params: idParamsSchema,
  query: apiWebhookDeliveryListQuerySchema,
  response: webhookDeliveryDtoSchema,
  list: true,
});

registerApiPath({
  method: "post",
  path: "/api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver",
  summary: "Redeliver an event",
  description: "Queues the delivery's event for the endpoint again, with the same `webhook-id` (receivers drop duplicates by it).",
  tags,
  minRole: "admin",
  params: webhookDeliveryParamsSchema,
  response: z.object({ delivery_id: z.string() }).meta({ id: "Redelivery" }),
  status: 202,
});

// The events themselves: the OpenAPI 3.1 `webhooks` section, one entry per type, generated from the catalogue.
const signatureHeaders = z.object({
  "webhook-id": z.string().meta({ description: "Unique per event (the same on retries and redeliveries)." }),
  "webhook-timestamp": z.string().meta({ description: "Unix seconds of this attempt." }),
  "webhook-signature": z
    .string()
    .meta({ description: "`v1,<base64 HMAC-SHA256(secret, id.timestamp.body)>`; verify with any Standard Webhooks library." }),
});
for (const type of WEBHOOK_EVENT_TYPES) {
  const e = WEBHOOK_EVENTS[type] as { description: string; optIn?: boolean };
  registry.registerWebhook({
    method: "post",
    path: type,
    summary: type,
    description: e.description,
    tags: ["Webhook events"],
    request: {
      headers: signatureHeaders,
      body: { content: { "application/json": { schema: webhookPayloadSchema(type).meta({ id: `Event_${type.replace(/\./g, "_")}` }) } } },
    },
    responses: { "200": { description: "Any 2xx acknowledges the delivery; anything else (or no answer in 5 s) is retried." } },
  });
}
