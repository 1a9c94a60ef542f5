"use server";

import { revalidatePath } from "next/cache";
import { requireWorkspaceRole } from "@/lib/auth/session";
import { runAction, type ActionResult } from "@/lib/http/action-result";
import {
  webhookEndpointCreateSchema,
  webhookEndpointUpdateSchema,
  type WebhookEndpointCreateInput,
  type WebhookEndpointUpdateInput,
} from "@/lib/schemas/webhooks";
import { createWebhookEndpoint, deleteWebhookEndpoint, redeliverWebhook, updateWebhookEndpoint } from "@/lib/services/webhooks";

const path = (slug: string, id?: string) => `/w/${slug}/settings/webhooks${id ? `/${id}` : ""}`;

/** Create an endpoint (owners and admins); the signing secret comes back once. */
export async function createWebhookAction(
  workspace: string,
  input: WebhookEndpointCreateInput,
): Promise<ActionResult<{ id: string; secret: string }>> {
  return runAction("webhooks", async () => {
    const { db, workspace: ws, user, ip } = await requireWorkspaceRole(workspace, "admin");
    const { endpoint, secret } = await createWebhookEndpoint(
      db,
      { kind: "workspace", workspaceId: ws.id },
      webhookEndpointCreateSchema.parse(input),
      { userId: user.id, ip },
    );
    revalidatePath(path(ws.slug));
    return { id: endpoint.id, secret };
  });
}

export async function updateWebhookAction(workspace: string, id: string, input: WebhookEndpointUpdateInput): Promise<ActionResult> {
  return runAction("webhooks", async () => {
    const { db, workspace: ws, user, ip } = await requireWorkspaceRole(workspace, "admin");
    await updateWebhookEndpoint(db, { kind: "workspace", workspaceId: ws.id }, id, webhookEndpointUpdateSchema.parse(input), {
      userId: user.id,
      ip,
    });
    revalidatePath(path(ws.slug, id));
    return {};
  });
}

export async function deleteWebhookAction(workspace: string, id: string): Promise<ActionResult> {
  return runAction("webhooks", async () => {
    const { db, workspace: ws, user, ip } = await requireWorkspaceRole(workspace, "admin");
    await deleteWebhookEndpoint(db, { kind: "workspace", workspaceId: ws.id }, id, { userId: user.id, ip });
    revalidatePath(path(ws.slug));
    return {};
  });
}

export async function redeliverAction(workspace: string, id: string, deliveryId: string): Promise<ActionResult> {
  return runAction("webhooks", async () => {
    const { db, workspace: ws, user, ip } = await requireWorkspaceRole(workspace, "admin");
    await redeliverWebhook(db, { kind: "workspace", workspaceId: ws.id }, id, deliveryId, { userId: user.id, ip });
    revalidatePath(path(ws.slug, id));
    return {};
  });
}
