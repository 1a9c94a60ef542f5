// GET /api/v1/webhooks (the workspace's endpoints) and POST (create; the signing secret is in the response, once).
import { apiRoute } from "@/lib/api/handler";
import { webhookResource, workspaceScope } from "@/lib/api/resources/webhooks";
import { apiWebhookEndpointCreateSchema } from "@/lib/api/schemas/webhooks";

export const GET = apiRoute({ minRole: "admin" }, (ctx) => webhookResource.list(ctx.db, workspaceScope(ctx.workspace.id)));

export const POST = apiRoute({ minRole: "admin", body: apiWebhookEndpointCreateSchema, idempotent: true }, (ctx) =>
  webhookResource.create(ctx.db, workspaceScope(ctx.workspace.id), ctx.body, ctx.actor),
);
