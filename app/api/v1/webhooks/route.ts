// GET /api/v1/webhooks (the workspace's endpoints) and POST (create; the signing secret is in the response, once).
import { toWebhookEndpointDto } from "@/lib/api/dto/webhooks";
import { apiRoute } from "@/lib/api/handler";
import { apiWebhookEndpointCreateSchema } from "@/lib/api/schemas/webhooks";
import { createWebhookEndpoint, listWebhookEndpoints } from "@/lib/services/webhooks";

export const GET = apiRoute({ minRole: "admin" }, async (ctx) => {
  const rows = await listWebhookEndpoints(ctx.db, { kind: "workspace", workspaceId: ctx.workspace.id });
  return { data: rows.map(toWebhookEndpointDto), nextCursor: null };
});

export const POST = apiRoute({ minRole: "admin", body: apiWebhookEndpointCreateSchema, idempotent: true }, async (ctx) => {
  const { endpoint, secret } = await createWebhookEndpoint(
    ctx.db,
    { kind: "workspace", workspaceId: ctx.workspace.id },
    ctx.body,
    ctx.actor,
  );
  const dto = toWebhookEndpointDto(endpoint);
  // The signing secret is shown once: the idempotency store keeps (and a replay returns) the answer without it.
  return { status: 201, data: { ...dto, secret }, replayData: { ...dto, secret: null } };
});
