// GET /api/v1/webhooks/{id}, PATCH (url, events, description, enabled) and DELETE.
import { toWebhookEndpointDto } from "@/lib/api/dto/webhooks";
import { apiRoute } from "@/lib/api/handler";
import { idParamsSchema } from "@/lib/api/schemas/common";
import { apiWebhookEndpointUpdateSchema } from "@/lib/api/schemas/webhooks";
import { deleteWebhookEndpoint, getWebhookEndpointOrThrow, updateWebhookEndpoint } from "@/lib/services/webhooks";

const scopeOf = (workspaceId: string) => ({ kind: "workspace" as const, workspaceId });

export const GET = apiRoute({ minRole: "admin", params: idParamsSchema }, async (ctx) => {
  return { data: toWebhookEndpointDto(await getWebhookEndpointOrThrow(ctx.db, scopeOf(ctx.workspace.id), ctx.params.id)) };
});

export const PATCH = apiRoute({ minRole: "admin", params: idParamsSchema, body: apiWebhookEndpointUpdateSchema }, async (ctx) => {
  return { data: toWebhookEndpointDto(await updateWebhookEndpoint(ctx.db, scopeOf(ctx.workspace.id), ctx.params.id, ctx.body, ctx.actor)) };
});

export const DELETE = apiRoute({ minRole: "admin", params: idParamsSchema }, async (ctx) => {
  await deleteWebhookEndpoint(ctx.db, scopeOf(ctx.workspace.id), ctx.params.id, ctx.actor);
  return { data: { id: ctx.params.id, deleted: true } };
});
