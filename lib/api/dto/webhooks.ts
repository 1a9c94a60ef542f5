import type { WebhookEndpoint } from "@/db/schema";
import type { WebhookEndpointDto } from "@/lib/schemas/webhooks";

export function toWebhookEndpointDto(e: WebhookEndpoint): WebhookEndpointDto {
  return {
    id: e.id,
    scope: e.workspaceId ? "workspace" : "instance",
    url: e.url,
    description: e.description,
    event_types: e.eventTypes,
    enabled: e.enabled,
    secret_prefix: e.secretPrefix,
    created_at: e.createdAt.toISOString(),
    updated_at: e.updatedAt.toISOString(),
  };
}
