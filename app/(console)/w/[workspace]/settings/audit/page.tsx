import type { Metadata } from "next";
import Link from "next/link";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { requireWorkspaceRole } from "@/lib/auth/session";
import { isAppError } from "@/lib/errors";
import { listAuditPage, type AuditItem } from "@/lib/services/audit";

export const metadata: Metadata = { title: "Audit log" };

const PAGE_SIZE = 50;

function actorLabel(a: AuditItem["actor"]): string {
  if (a.kind === "user") return a.email ?? "Deleted user";
  if (a.kind === "api_key") return `API key ${a.name ?? a.id.slice(0, 8)}`;
  return "System (SSO sign-in or operator CLI)";
}

function changeSummary(item: AuditItem): string {
  const parts: string[] = [];
  const keys = new Set([...Object.keys(item.before ?? {}), ...Object.keys(item.after ?? {})]);
  for (const k of keys) {
    const b = item.before?.[k];
    const a = item.after?.[k];
    if (JSON.stringify(b) === JSON.stringify(a)) continue;
    const fmt = (v: unknown) => (v === undefined || v === null ? "—" : typeof v === "string" ? v : JSON.stringify(v));
    parts.push(item.before && k in item.before ? `${k}: ${fmt(b)} → ${fmt(a)}` : `${k}: ${fmt(a)}`);
  }
  return parts.join("; ");
}

export default async function AuditPage({ params, searchParams }: { params: Promise<{ workspace: string }>; searchParams: Promise<{ cursor?: string }> }) {
  const { workspace: slug } = await params;
  const { cursor } = await searchParams;
  const { db, workspace, membership } = await requireWorkspaceRole(slug, "viewer");
  if (membership.role !== "owner") {
    return (
      <>
        <PageHeader title="Audit log" description="Every change to members, connections, domains and keys." />
        <Card>
          <EmptyState title="Only owners can read the audit log" description="Ask an owner of this workspace if you need to know who changed what." />
        </Card>
      </>
    );
  }
  let page: Awaited<ReturnType<typeof listAuditPage>>;
  try {
    page = await listAuditPage(db, workspace.id, { cursor: cursor ?? null, limit: PAGE_SIZE });
  } catch (e) {
    if (!isAppError(e) || e.code !== "BAD_REQUEST") throw e;
    page = await listAuditPage(db, workspace.id, { limit: PAGE_SIZE });
  }
  return (
    <>
      <PageHeader title="Audit log" description="Every change to members, connections, domains and keys: who, what, before and after, when and from where." />
      <Card>
        {page.items.length === 0 ? (
          <EmptyState
            title={cursor ? "No older entries" : "Nothing recorded yet"}
            description={cursor ? "You have reached the beginning of the log." : "Changes made in the console, the API or the CLI appear here."}
            action={cursor ? <Link className="text-sm font-medium text-brand-600" href={`/w/${workspace.slug}/settings/audit`}>Back to newest</Link> : undefined}
          />
        ) : (
          <div className="overflow-x-auto">
            <table className="min-w-full divide-y divide-slate-200 text-sm">
              <thead>
                <tr className="text-left text-xs font-medium uppercase tracking-wide text-slate-500">
                  <th scope="col" className="px-5 py-3">Time (UTC)</th>
                  <th scope="col" className="px-5 py-3">Actor</th>
                  <th scope="col" className="px-5 py-3">Action</th>
                  <th scope="col" className="px-5 py-3">Change</th>
                  <th scope="col" className="px-5 py-3">IP</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {page.items.map((i) => (
                  <tr key={i.id} className="align-top">
                    <td className="whitespace-nowrap px-5 py-3 text-slate-500">{i.createdAt.toISOString().slice(0, 19).replace("T", " ")}</td>
                    <td className="px-5 py-3">{actorLabel(i.actor)}</td>
                    <td className="px-5 py-3">
                      <code className="rounded bg-slate-100 px-1 text-xs">{i.action}</code>
                      <div className="text-xs text-slate-500">
                        {i.targetType}
                        {i.targetId ? ` ${i.targetId.slice(0, 8)}` : ""}
                      </div>
                    </td>
                    <td className="max-w-md break-words px-5 py-3 text-xs text-slate-700">{changeSummary(i)}</td>
                    <td className="px-5 py-3 text-slate-500">{i.ip ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {(page.nextCursor || cursor) && (
          <nav aria-label="Audit log pages" className="flex justify-between border-t border-slate-100 px-5 py-3 text-sm">
            {cursor ? <Link className="font-medium text-brand-600 hover:text-brand-700" href={`/w/${workspace.slug}/settings/audit`}>Newest</Link> : <span />}
            {page.nextCursor && (
              <Link className="font-medium text-brand-600 hover:text-brand-700" href={`/w/${workspace.slug}/settings/audit?cursor=${encodeURIComponent(page.nextCursor)}`}>
                Older entries →
              </Link>
            )}
          </nav>
        )}
      </Card>
    </>
  );
}
