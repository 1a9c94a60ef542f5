import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AdminOnly } from "@/components/sso/admin-only";
import { EndpointControls, RedeliverButton } from "@/components/webhooks/endpoint-controls";
import { Badge } from "@/components/ui/badge";
import { Card, CardHeader, EmptyState, PageHeader } from "@/components/ui/card";
import { ScrollArea } from "@/components/ui/scroll-area";
import { hasRole } from "@/lib/auth/roles";
import { requireWorkspaceRole } from "@/lib/auth/session";
import { isAppError } from "@/lib/errors";
import { getWebhookEndpointOrThrow, listWebhookDeliveries } from "@/lib/services/webhooks";

export const metadata: Metadata = { title: "Webhook endpoint" };

const tone = { succeeded: "green", pending: "yellow", failed: "red" } as const;

export default async function WebhookEndpointPage({ params }: { params: Promise<{ workspace: string; endpointId: string }> }) {
  const { workspace: slug, endpointId } = await params;
  const { db, workspace, membership } = await requireWorkspaceRole(slug, "viewer");
  if (!hasRole(membership.role, "admin")) return <AdminOnly what="manage webhooks" />;
  const scope = { kind: "workspace" as const, workspaceId: workspace.id };
  const endpoint = await getWebhookEndpointOrThrow(db, scope, endpointId).catch((e) => {
    if (isAppError(e) && e.code === "NOT_FOUND") notFound();
    throw e;
  });
  const { items } = await listWebhookDeliveries(db, scope, endpoint.id, { limit: 50 });
  return (
    <>
      <PageHeader
        title={<span className="font-mono text-lg [overflow-wrap:anywhere]">{endpoint.url}</span>}
        description={
          <>
            <Link href={`/w/${workspace.slug}/settings/webhooks`} className="text-brand-700 underline">
              Webhooks
            </Link>{" "}
            · secret {endpoint.secretPrefix}… (shown once, at creation)
          </>
        }
      />
      <Card>
        <CardHeader title="Settings" />
        <EndpointControls workspace={workspace.slug} id={endpoint.id} enabled={endpoint.enabled} eventTypes={endpoint.eventTypes} />
      </Card>
      <Card className="mt-6">
        <CardHeader
          title="Deliveries"
          description="The last 50, newest first. Events go out in order; a failing one is retried (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h) before the next."
        />
        {items.length === 0 ? (
          <EmptyState
            title="No deliveries yet"
            description="Events show up here as soon as something happens in this workspace, e.g. a person is provisioned or a role changes."
          />
        ) : (
          <ScrollArea label="Deliveries">
            <table className="min-w-full divide-y divide-slate-200 text-sm">
              <caption className="sr-only">Deliveries</caption>
              <thead>
                <tr className="text-left text-xs font-medium uppercase tracking-wide text-slate-500">
                  <th scope="col" className="px-5 py-3">
                    Time (UTC)
                  </th>
                  <th scope="col" className="px-4 py-3">
                    Event
                  </th>
                  <th scope="col" className="px-4 py-3">
                    Status
                  </th>
                  <th scope="col" className="px-4 py-3">
                    Response
                  </th>
                  <th scope="col" className="px-5 py-3">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {items.map((d) => (
                  <tr key={d.id}>
                    <td className="whitespace-nowrap px-5 py-3 text-slate-500">{d.created_at.slice(0, 19).replace("T", " ")}</td>
                    <td className="px-4 py-3 font-mono text-xs">
                      {d.event_type}
                      <div className="text-slate-500">{d.webhook_id}</div>
                    </td>
                    <td className="px-4 py-3">
                      <Badge tone={tone[d.status]}>{d.status}</Badge>
                      <div className="text-xs text-slate-500">
                        {d.attempts} attempt{d.attempts === 1 ? "" : "s"}
                        {d.manual ? " · redelivery" : ""}
                      </div>
                    </td>
                    <td className="px-4 py-3 text-xs text-slate-600 [overflow-wrap:anywhere]">
                      {d.last_status_code ?? ""} {d.last_error && d.last_status_code === null ? d.last_error : ""}
                    </td>
                    <td className="px-5 py-3 text-right">
                      {d.status !== "pending" && <RedeliverButton workspace={workspace.slug} id={endpoint.id} deliveryId={d.id} />}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollArea>
        )}
      </Card>
    </>
  );
}
