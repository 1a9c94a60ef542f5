import Link from "next/link";
import type { AuditFilter } from "@/lib/schemas/audit";

const ACTION_PREFIXES = ["member", "invitation", "domain", "connection", "workspace", "api_key", "webhook", "directory"];

const inputClass =
  "block w-full rounded-md border-0 px-2.5 py-1.5 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-inset focus:ring-brand-600";

/**
 * The audit log's filters as a plain GET form: applying them changes the URL, so a filtered view
 * can be bookmarked or shared, and the CSV export link carries the same filters.
 */
export function AuditFilters({
  base,
  filter,
  error,
  exportHref,
}: {
  base: string;
  filter: AuditFilter;
  error: string | null;
  exportHref: string;
}) {
  return (
    <form
      method="get"
      action={base}
      className="mb-4 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200"
      aria-label="Filter the audit log"
    >
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-5">
        <label className="text-xs font-medium text-slate-700">
          Actor
          <input name="actor" defaultValue={filter.actor ?? ""} placeholder="email, key name or system" className={`mt-1 ${inputClass}`} />
        </label>
        <label className="text-xs font-medium text-slate-700">
          Action
          <input
            name="action"
            defaultValue={filter.action ?? ""}
            placeholder="e.g. domain or member.role_changed"
            list="audit-actions"
            className={`mt-1 ${inputClass}`}
          />
          <datalist id="audit-actions">
            {ACTION_PREFIXES.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </label>
        <label className="text-xs font-medium text-slate-700">
          Target
          <input
            name="target"
            defaultValue={filter.target ?? ""}
            placeholder="email, domain, connection…"
            className={`mt-1 ${inputClass}`}
          />
        </label>
        <label className="text-xs font-medium text-slate-700">
          From (UTC)
          <input type="date" name="from" defaultValue={filter.from ?? ""} className={`mt-1 ${inputClass}`} />
        </label>
        <label className="text-xs font-medium text-slate-700">
          To (UTC)
          <input type="date" name="to" defaultValue={filter.to ?? ""} className={`mt-1 ${inputClass}`} />
        </label>
      </div>
      {error && (
        <p role="alert" className="mt-2 text-sm text-red-700">
          Filters ignored: {error}
        </p>
      )}
      <div className="mt-3 flex flex-wrap items-center gap-3">
        <button type="submit" className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-semibold text-white shadow-sm hover:bg-brand-500">
          Apply filters
        </button>
        <Link href={base} className="text-sm font-medium text-slate-600 hover:text-slate-900">
          Clear
        </Link>
        <a href={exportHref} className="ml-auto text-sm font-medium text-brand-700 hover:text-brand-800" download>
          Export CSV
        </a>
      </div>
    </form>
  );
}
