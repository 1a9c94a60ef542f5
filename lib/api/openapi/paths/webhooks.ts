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

/**
 * The same resource at two levels: a workspace's endpoints (workspace keys, or an operator key at
 * /api/v1/organizations/{id}/webhooks) and the operator's instance-level endpoints, which receive
 * every organization's events (operator keys only).
 */
function registerWebhookPaths(base: string, minRole: "admin" | "operator", listDescription: string) {
  registerApiPath({
    method: "get",
    path: base,
    summary: "List webhook endpoints",
    description: listDescription,
    tags,
    minRole,
    response: webhookEndpointDtoSchema,
    list: true,
  });

  registerApiPath({
    method: "post",
    path: base,
    summary: "Create a webhook endpoint",
    description:
      "Events are POSTed as JSON signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256>`). " +
      "The signing `secret` (whsec_…) is in the response once. Deliveries to one endpoint go out in order per organization, retried with backoff for 27 h.",
    tags,
    minRole,
    body: apiWebhookEndpointCreateSchema,
    response: webhookEndpointWithSecretSchema,
    status: 201,
    idempotent: true,
  });

  registerApiPath({
    method: "get",
    path: `${base}/{id}`,
    summary: "Get a webhook endpoint",
    tags,
    minRole,
    params: idParamsSchema,
    response: webhookEndpointDtoSchema,
  });

  registerApiPath({
    method: "patch",
    path: `${base}/{id}`,
    summary: "Change a webhook endpoint",
    description:
      "URL, event types, description, or `enabled` (off: no new events are queued for it; queued ones wait until it is on again).",
    tags,
    minRole,
    params: idParamsSchema,
    body: apiWebhookEndpointUpdateSchema,
    response: webhookEndpointDtoSchema,
  });

  registerApiPath({
    method: "delete",
    path: `${base}/{id}`,
    summary: "Delete a webhook endpoint",
    tags,
    minRole,
    params: idParamsSchema,
    response: deletedSchema,
  });

  registerApiPath({
    method: "get",
    path: `${base}/{id}/deliveries`,
    summary: "The delivery log",
    description: "Deliveries to the endpoint, newest first, with status, attempts and each attempt's response code or error.",
    tags,
    minRole,
    params: idParamsSchema,
    query: apiWebhookDeliveryListQuerySchema,
    response: webhookDeliveryDtoSchema,
    list: true,
  });

  registerApiPath({
    method: "post",
    path: `${base}/{id}/deliveries/{deliveryId}/redeliver`,
    summary: "Redeliver an event",
    description: "Queues the delivery's event for the endpoint again, with the same `webhook-id` (receivers drop duplicates by it).",
    tags,
    minRole,
    params: webhookDeliveryParamsSchema,
    response: z.object({ delivery_id: z.string() }).meta({ id: "Redelivery" }),
    status: 202,
  });
}

registerWebhookPaths(
  "/api/v1/webhooks",
  "admin",
  "The workspace's endpoints. (Instance-level endpoints, which receive every organization's events, are at /api/v1/instance/webhooks.)",
);
registerWebhookPaths(
  "/api/v1/instance/webhooks",
  "operator",
  "The operator's instance-level endpoints: each receives the events of every organization (each payload names its `organization_id`). Operator keys only.",
);

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
