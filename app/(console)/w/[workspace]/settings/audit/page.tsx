import type { Metadata } from "next";
import Link from "next/link";
import { Fragment } from "react";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { ScrollArea } from "@/components/ui/scroll-area";
import { requireWorkspaceRole } from "@/lib/auth/session";
import { isAppError } from "@/lib/errors";
import { AuditFilters } from "@/components/audit/audit-filters";
import { auditFilterQuery, auditFilterSchema, type AuditFilter } from "@/lib/schemas/audit";
import { listAuditPage, type AuditItem } from "@/lib/services/audit";

const TARGET_LABEL: Record<string, string> = {
  membership: "Member",
  domain: "Domain",
  connection: "Connection",
  api_key: "API key",
  invitation: "Invitation",
  webhook_endpoint: "Webhook",
  directory: "Directory",
  workspace: "Workspace",
  user: "User",
};

export const metadata: Metadata = { title: "Audit log" };

const PAGE_SIZE = 50;

function actorLabel(a: AuditItem["actor"]): string {
  if (a.kind === "user") return a.email ?? "Deleted user";
  if (a.kind === "api_key") return `API key ${a.name ?? a.id.slice(0, 8)}`;
  if (a.kind === "setup_link") return `setup link ${a.name ?? a.id.slice(0, 8)}`;
  return "System (SSO sign-in or operator CLI)";
}

type ChangeLine = { key: string; before: string | null; after: string };

const MAX_VALUE = 90;

/** A value as one short line: certificate lists are counted, long values cut (the full text is in the title). */
function formatValue(key: string, v: unknown): string {
  if (v === undefined || v === null || v === "") return "—";
  if (Array.isArray(v) && /cert/i.test(key)) return v.length === 0 ? "none" : `${v.length} certificate${v.length === 1 ? "" : "s"}`;
  if (Array.isArray(v) && v.length === 0) return "none";
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** Snapshot values that are ids of people are shown as their email. */
function readable(item: AuditItem, key: string, v: unknown): unknown {
  return key === "userId" && typeof v === "string" && item.userEmails[v] ? item.userEmails[v] : v;
}

function changeLines(item: AuditItem): ChangeLine[] {
  const lines: ChangeLine[] = [];
  const keys = new Set([...Object.keys(item.before ?? {}), ...Object.keys(item.after ?? {})]);
  for (const k of keys) {
    const b = item.before?.[k];
    const a = item.after?.[k];
    if (JSON.stringify(b) === JSON.stringify(a)) continue;
    const before = item.before && k in item.before ? formatValue(k, readable(item, k, b)) : null;
    const after = formatValue(k, readable(item, k, a));
    // A creation lists what was set; unset fields are noise.
    if (before === null && (after === "—" || after === "none")) continue;
    lines.push({ key: k, before, after });
  }
  return lines;
}

/** Line breaks only after "." and "_" (domain.verification_failed), never inside a word. */
function breakable(action: string) {
  return action.split(/(?<=[._])/).map((part, i) => (
    <Fragment key={i}>
      {i > 0 && <wbr />}
      {part}
    </Fragment>
  ));
}

function Value({ text }: { text: string }) {
  const short = text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE)}…` : text;
  return (
    <span className="font-mono text-slate-800" title={short === text ? undefined : text}>
      {short}
    </span>
  );
}

function ChangeList({ item }: { item: AuditItem }) {
  const lines = changeLines(item);
  if (lines.length === 0) return <span className="text-slate-500">—</span>;
  return (
    <ul className="space-y-0.5">
      {lines.map((l) => (
        <li key={l.key}>
          <span className="text-slate-500">{l.key}: </span>
          {l.before !== null && (
            <>
              <Value text={l.before} /> <span aria-label="changed to">→</span>{" "}
            </>
          )}
          <Value text={l.after} />
        </li>
      ))}
    </ul>
  );
}

export default async function AuditPage({
  params,
  searchParams,
}: {
  params: Promise<{ workspace: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { workspace: slug } = await params;
  const query = await searchParams;
  const cursor = typeof query.cursor === "string" ? query.cursor : undefined;
  const parsed = auditFilterSchema.safeParse(query);
  const filter: AuditFilter = parsed.success ? parsed.data : {};
  const filterError = parsed.success ? null : parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join("; ");
  const filtered = Object.values(filter).some(Boolean);
  const { db, workspace, membership } = await requireWorkspaceRole(slug, "viewer");
  if (membership.role !== "owner") {
    return (
      <>
        <PageHeader title="Audit log" description="Every change to members, connections, domains and keys." />
        <Card>
          <EmptyState
            icon="!"
            title="Only owners can read the audit log"
            description="Ask an owner of this workspace if you need to know who changed what."
          />
        </Card>
      </>
    );
  }
  let page: Awaited<ReturnType<typeof listAuditPage>>;
  try {
    page = await listAuditPage(db, workspace.id, { cursor: cursor ?? null, limit: PAGE_SIZE, filter });
  } catch (e) {
    if (!isAppError(e) || e.code !== "BAD_REQUEST") throw e;
    page = await listAuditPage(db, workspace.id, { limit: PAGE_SIZE, filter });
  }
  const base = `/w/${workspace.slug}/settings/audit`;
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change to members, connections, domains and keys: who, what, before and after, when and from where."
      />
      <AuditFilters base={base} filter={filter} error={filterError} exportHref={`${base}/export${auditFilterQuery(filter)}`} />
      <Card>
        {page.items.length === 0 ? (
          <EmptyState
            title={cursor ? "No older entries" : filtered ? "No entries match these filters" : "Nothing recorded yet"}
            description={
              cursor
                ? "You have reached the beginning of the log."
                : filtered
                  ? "Widen the date range, or clear a filter."
                  : "Changes made in the console, the API or the CLI appear here."
            }
            action={
              cursor || filtered ? (
                <Link className="text-sm font-medium text-brand-600" href={cursor ? `${base}${auditFilterQuery(filter)}` : base}>
                  {cursor ? "Back to newest" : "Clear filters"}
                </Link>
              ) : undefined
            }
          />
        ) : (
          <ScrollArea label="Audit log entries">
            <table className="min-w-full table-fixed divide-y divide-slate-200 text-sm">
              <caption className="sr-only">Audit log, newest first</caption>
              <colgroup>
                <col className="w-40" />
                <col className="w-40 xl:w-48" />
                <col className="w-44 xl:w-52" />
                <col />
              </colgroup>
              <thead>
                <tr className="text-left text-xs font-medium uppercase tracking-wide text-slate-500">
                  <th scope="col" className="px-5 py-3">
                    Time (UTC) · IP
                  </th>
                  <th scope="col" className="px-5 py-3">
                    Actor
                  </th>
                  <th scope="col" className="px-5 py-3">
                    Action
                  </th>
                  <th scope="col" className="px-5 py-3">
                    Change
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {page.items.map((i) => (
                  <tr key={i.id} className="align-top">
                    <td className="px-5 py-3 text-slate-600">
                      <div className="whitespace-nowrap">{i.createdAt.toISOString().slice(0, 19).replace("T", " ")}</div>
                      <div className="text-xs text-slate-500">{i.ip ? `from ${i.ip}` : "no IP (CLI or background job)"}</div>
                    </td>
                    <td className="px-5 py-3 text-slate-800 [overflow-wrap:anywhere]">{actorLabel(i.actor)}</td>
                    <td className="px-5 py-3 [overflow-wrap:anywhere]">
                      <code className="rounded bg-slate-100 px-1 text-xs text-slate-800">{breakable(i.action)}</code>
                      <div className="mt-1 text-xs text-slate-600" data-testid="audit-target">
                        <span className="text-slate-500">{TARGET_LABEL[i.targetType] ?? i.targetType.replace(/_/g, " ")} </span>
                        {i.targetName ? (
                          <span className="font-medium text-slate-800" title={i.targetId ?? undefined}>
                            {i.targetName}
                          </span>
                        ) : i.targetId ? (
                          <span className="font-mono">{i.targetId.slice(0, 8)}</span>
                        ) : null}
                        {i.targetGone && <span className="text-slate-500"> (deleted)</span>}
                      </div>
                    </td>
                    <td className="px-5 py-3 text-xs [overflow-wrap:anywhere]">
                      <ChangeList item={i} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollArea>
        )}
        {(page.nextCursor || cursor) && (
          <nav aria-label="Audit log pages" className="flex justify-between border-t border-slate-100 px-5 py-3 text-sm">
            {cursor ? (
              <Link className="font-medium text-brand-600 hover:text-brand-700" href={`${base}${auditFilterQuery(filter)}`}>
                Newest
              </Link>
            ) : (
              <span />
            )}
            {page.nextCursor && (
              <Link
                className="font-medium text-brand-600 hover:text-brand-700"
                href={`${base}${auditFilterQuery(filter, { cursor: page.nextCursor })}`}
              >
                Older entries →
              </Link>
            )}
          </nav>
        )}
      </Card>
    </>
  );
}
