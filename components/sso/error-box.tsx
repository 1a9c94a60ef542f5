import type { ActionError } from "./types";

const LABELS: Record<string, string> = { reason: "Reason", url: "URL", expected: "Expected", actual: "Actual", field: "Field" };

/** An action error with its code, hint and safe detail values. */
export function ErrorBox({ error, title }: { error: Pick<ActionError, "code" | "message" | "hint" | "detail">; title?: string }) {
  const entries = Object.entries(error.detail ?? {});
  return (
    <div role="alert" className="space-y-2 rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900">
      {title && <p className="font-semibold">{title}</p>}
      <p>
        <span className="font-semibold">{error.message}</span>{" "}
        <code className="ml-1 rounded bg-red-100 px-1.5 py-0.5 font-mono text-xs">{error.code}</code>
      </p>
      <p className="text-red-800">{error.hint}</p>
      {entries.length > 0 && (
        <dl className="grid grid-cols-[max-content_1fr] gap-x-3 gap-y-1 text-xs">
          {entries.map(([k, v]) => (
            <div key={k} className="contents">
              <dt className="font-medium">{LABELS[k] ?? k}</dt>
              <dd className="break-all font-mono">{v}</dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}
