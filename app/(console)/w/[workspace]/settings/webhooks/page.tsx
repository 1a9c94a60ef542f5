import type { Metadata } from "next";
import Link from "next/link";
import { AdminOnly } from "@/components/sso/admin-only";
import { CreateWebhookDialog } from "@/components/webhooks/create-webhook-dialog";
import { Badge } from "@/components/ui/badge";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { hasRole } from "@/lib/auth/roles";
import { requireWorkspaceRole } from "@/lib/auth/session";
import { listWebhookEndpoints, webhookEndpointStats } from "@/lib/services/webhooks";

export const metadata: Metadata = { title: "Webhooks" };

export default async function WebhooksPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace: slug } = await params;
  const { db, workspace, membership } = await requireWorkspaceRole(slug, "viewer");
  const canManage = hasRole(membership.role, "admin");
  const header = (
    <PageHeader
      title="Webhooks"
      description="Your app hears about changes as they happen: people provisioned and deprovisioned, role changes, groups, connections and expiring certificates. Signed per Standard Webhooks, delivered in order, retried for 27 hours."
      actions={canManage && <CreateWebhookDialog workspace={workspace.slug} />}
    />
  );
  if (!canManage) {
    return (
      <>
        {header}
        <AdminOnly what="manage webhooks" />
      </>
    );
  }
  const endpoints = await listWebhookEndpoints(db, { kind: "workspace", workspaceId: workspace.id });
  const stats = await webhookEndpointStats(
    db,
    endpoints.map((e) => e.id),
  );
  return (
    <>
      {header}
      <Card>
        {endpoints.length === 0 ? (
          <EmptyState
            title="No endpoints yet"
            description="Use “Add endpoint” with your app's HTTPS URL. Copy the signing secret it shows and verify every delivery with it (any Standard Webhooks library)."
          />
        ) : (
          <ul className="divide-y divide-slate-100">
            {endpoints.map((e) => {
              const s = stats.get(e.id);
              return (
                <li key={e.id} className="flex flex-wrap items-center justify-between gap-3 px-5 py-4">
                  <div className="min-w-0">
                    <Link
                      href={`/w/${workspace.slug}/settings/webhooks/${e.id}`}
                      className="font-mono text-sm text-brand-700 hover:underline [overflow-wrap:anywhere]"
                    >
                      {e.url}
                    </Link>
                    <p className="text-xs text-slate-500">
                      {e.description ? `${e.description} · ` : ""}
                      {e.eventTypes.length ? e.eventTypes.join(", ") : "all events"} · {s?.pending ?? 0} queued · {s?.failed24h ?? 0} failed
                      (24 h)
                    </p>
                  </div>
                  {e.enabled ? <Badge tone="green">Enabled</Badge> : <Badge tone="gray">Disabled</Badge>}
                </li>
              );
            })}
          </ul>
        )}
      </Card>
    </>
  );
}
