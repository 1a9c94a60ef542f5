import { toWebhookEndpointDto } from "@/lib/api/dto/webhooks";
import { AppError } from "@/lib/errors";
import { parseEventTypeList, webhookEndpointCreateSchema } from "@/lib/schemas/webhooks";
import {
  createWebhookEndpoint,
  findWebhookScope,
  listWebhookDeliveries,
  listWebhookEndpoints,
  type WebhookScope,
} from "@/lib/services/webhooks";
import { findWorkspaceBySlug, type Workspace } from "@/lib/services/workspaces";
import { bool, defineCommand, optStr, str, type CliContext } from "../command";

const OPERATOR = { userId: null };

async function workspaceOrThrow(ctx: CliContext, slug: string): Promise<Workspace> {
  const ws = await findWorkspaceBySlug(ctx.db, slug);
  if (!ws)
    throw new AppError("NOT_FOUND", {
      message: `No workspace with slug "${slug}".`,
      hint: "Check the slug (see the console URL /w/<slug>).",
    });
  return ws;
}

export const webhooksCreate = defineCommand({
  name: "webhooks:create",
  summary:
    "Create a webhook endpoint for a workspace, or for the whole instance (every workspace's events); prints its signing secret once.",
  flags: {
    workspace: { type: "string", description: "Workspace slug" },
    instance: { type: "boolean", description: "An operator endpoint that receives every workspace's events" },
    url: { type: "string", required: true, description: "The receiving URL (https)" },
    events: { type: "string", description: "Comma-separated event types (default: every type except sso.sign_in_failed)" },
    description: { type: "string", description: "What the endpoint is for" },
  },
  oneOf: [["workspace", "instance"]],
  async run(ctx) {
    const scope: WebhookScope = bool(ctx, "instance")
      ? { kind: "instance" }
      : { kind: "workspace", workspaceId: (await workspaceOrThrow(ctx, str(ctx, "workspace"))).id };
    const data = webhookEndpointCreateSchema.parse({
      url: str(ctx, "url"),
      eventTypes: parseEventTypeList(optStr(ctx, "events")),
      description: optStr(ctx, "description"),
    });
    const { endpoint, secret } = await createWebhookEndpoint(ctx.db, scope, data, OPERATOR);
    ctx.print(
      `Created webhook endpoint ${endpoint.id} (${scope.kind === "instance" ? "every workspace" : str(ctx, "workspace")}) → ${endpoint.url}`,
    );
    ctx.print(`Events: ${endpoint.eventTypes.length ? endpoint.eventTypes.join(", ") : "all (except the opt-in sso.sign_in_failed)"}`);
    ctx.print("Signing secret (Standard Webhooks; copy it now, it is not shown again):");
    ctx.print(`  ${secret}`);
    return { ...toWebhookEndpointDto(endpoint), secret };
  },
});

export const webhooksList = defineCommand({
  name: "webhooks:list",
  summary: "List webhook endpoints: a workspace's (--workspace), the instance's (--instance), or all of them.",
  flags: {
    workspace: { type: "string", description: "Workspace slug" },
    instance: { type: "boolean", description: "Only instance-level endpoints" },
  },
  async run(ctx) {
    const scopes: WebhookScope[] = [];
    if (optStr(ctx, "workspace")) scopes.push({ kind: "workspace", workspaceId: (await workspaceOrThrow(ctx, str(ctx, "workspace"))).id });
    else if (bool(ctx, "instance")) scopes.push({ kind: "instance" });
    const rows = scopes.length
      ? (await Promise.all(scopes.map((s) => listWebhookEndpoints(ctx.db, s)))).flat()
      : await listWebhookEndpoints(ctx.db, null);
    if (!rows.length) ctx.print("No webhook endpoints. Create one with webhooks:create.");
    for (const e of rows) {
      ctx.print(
        `${e.id}  ${e.enabled ? "enabled " : "disabled"}  ${e.workspaceId ? `workspace ${e.workspaceId}` : "instance"}  ${e.url}  ${e.eventTypes.length ? e.eventTypes.join(",") : "all events"}`,
      );
    }
    return rows.map(toWebhookEndpointDto);
  },
});

export const webhooksDeliveries = defineCommand({
  name: "webhooks:deliveries",
  summary: "Show an endpoint's delivery log: each event, its status, attempts and the receiver's last response code.",
  flags: {
    id: { type: "string", required: true, description: "Webhook endpoint id (see webhooks:list)" },
    limit: { type: "string", description: "How many (default 50, at most 200)" },
  },
  async run(ctx) {
    const id = str(ctx, "id");
    const scope = await findWebhookScope(ctx.db, id);
    const limit = optStr(ctx, "limit") ? Number(optStr(ctx, "limit")) : undefined;
    const page = await listWebhookDeliveries(ctx.db, scope, id, { limit });
    if (!page.items.length) ctx.print("No deliveries yet.");
    for (const d of page.items) {
      ctx.print(
        `${d.created_at}  ${d.event_type.padEnd(30)} ${d.status.padEnd(9)} attempts ${d.attempts}  last ${d.last_status_code ?? "-"}${d.last_error && d.last_status_code === null ? ` (${d.last_error})` : ""}  ${d.webhook_id}`,
      );
    }
    return page.items;
  },
});
