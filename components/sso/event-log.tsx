import { ScrollArea } from "@/components/ui/scroll-area";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { formatDateTime } from "./format";
import type { SsoEventView } from "./types";

/** Recent sign-in attempts of a connection; each opens its detail and fix hint. */
export function EventLog({ events, base, outcome }: { events: SsoEventView[]; base: string; outcome: "all" | "success" | "failure" }) {
  const filters = [
    ["all", "All"],
    ["failure", "Failures"],
    ["success", "Successes"],
  ] as const;
  return (
    <div>
      <nav aria-label="Filter events" className="flex gap-2 px-5 pt-4">
        {filters.map(([value, label]) => (
          <Link
            key={value}
            href={value === "all" ? `${base}#events` : `${base}?events=${value}#events`}
            aria-current={outcome === value ? "true" : undefined}
            className={`rounded-full px-3 py-1 text-xs font-medium ${outcome === value ? "bg-brand-600 text-white" : "bg-slate-100 text-slate-700 hover:bg-slate-200"}`}
          >
            {label}
          </Link>
        ))}
      </nav>
      {events.length === 0 ? (
        <p className="px-5 py-6 text-sm text-slate-600">
          No sign-in attempts yet. Run a test sign-in above; every attempt (test or real) shows up here.
        </p>
      ) : (
        <ScrollArea label="Recent sign-in attempts">
          <table className="mt-3 min-w-full divide-y divide-slate-200 text-sm">
            <caption className="sr-only">Recent sign-in attempts</caption>
            <thead>
              <tr className="text-left text-xs font-medium uppercase tracking-wide text-slate-500">
                <th scope="col" className="px-5 py-2">
                  Outcome
                </th>
                <th scope="col" className="px-5 py-2">
                  Code
                </th>
                <th scope="col" className="px-5 py-2">
                  Email
                </th>
                <th scope="col" className="px-5 py-2">
                  Time
                </th>
                <th scope="col" className="px-5 py-2">
                  <span className="sr-only">Details</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {events.map((e) => (
                <tr key={e.id} className="hover:bg-slate-50">
                  <td className="px-5 py-2">
                    <span className="flex flex-wrap gap-1">
                      <Badge tone={e.outcome === "success" ? "green" : "red"}>{e.outcome === "success" ? "Success" : "Failed"}</Badge>
                      {e.testMode && <Badge tone="blue">Test</Badge>}
                      {e.flow === "idp" && <Badge>IdP-initiated</Badge>}
                    </span>
                  </td>
                  <td className="px-5 py-2 font-mono text-xs text-slate-700">{e.errorCode ?? "—"}</td>
                  <td className="px-5 py-2 text-slate-700">{e.email ?? "—"}</td>
                  <td className="whitespace-nowrap px-5 py-2 text-slate-600">{formatDateTime(e.createdAt)}</td>
                  <td className="px-5 py-2 text-right">
                    <Link
                      href={e.testMode ? `${base}/test/${e.id}` : `${base}/events/${e.id}`}
                      className="font-medium text-brand-700 hover:underline"
                    >
                      Details<span className="sr-only"> of the attempt at {formatDateTime(e.createdAt)}</span>
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollArea>
      )}
    </div>
  );
}
