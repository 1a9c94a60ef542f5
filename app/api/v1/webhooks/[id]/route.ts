// GET /api/v1/webhooks/{id}, PATCH (url, events, description, enabled) and DELETE.
import { apiRoute } from "@/lib/api/handler";
import { webhookResource, workspaceScope } from "@/lib/api/resources/webhooks";
import { idParamsSchema } from "@/lib/api/schemas/common";
import { apiWebhookEndpointUpdateSchema } from "@/lib/api/schemas/webhooks";

export const GET = apiRoute({ minRole: "admin", params: idParamsSchema }, (ctx) =>
  webhookResource.get(ctx.db, workspaceScope(ctx.workspace.id), ctx.params.id),
);

export const PATCH = apiRoute({ minRole: "admin", params: idParamsSchema, body: apiWebhookEndpointUpdateSchema }, (ctx) =>
  webhookResource.update(ctx.db, workspaceScope(ctx.workspace.id), ctx.params.id, ctx.body, ctx.actor),
);

export const DELETE = apiRoute({ minRole: "admin", params: idParamsSchema }, (ctx) =>
  webhookResource.remove(ctx.db, workspaceScope(ctx.workspace.id), ctx.params.id, ctx.actor),
);
