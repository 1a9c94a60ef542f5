import { ScrollArea } from "@/components/ui/scroll-area";
import { Fragment, type ReactNode } from "react";
import { Card } from "@/components/ui/card";
import { flattenSchema, type FieldRow, type JsonSchema } from "./schema-fields";

/** A readable API reference rendered (on the server) from the OpenAPI document. */

type Parameter = { name: string; in: string; required?: boolean; description?: string; schema?: JsonSchema };
type Media = { schema?: JsonSchema };
type Operation = {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, Media> };
  responses: Record<string, { description?: string; content?: Record<string, Media> }>;
};
export type OpenApiDoc = {
  info: { title: string; version: string; description?: string };
  paths?: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, JsonSchema> };
};

const METHODS = ["get", "post", "put", "patch", "delete"] as const;
const METHOD_STYLE: Record<string, string> = {
  get: "bg-emerald-50 text-emerald-700 ring-emerald-600/20",
  post: "bg-brand-50 text-brand-700 ring-brand-600/20",
  put: "bg-amber-50 text-amber-800 ring-amber-600/20",
  patch: "bg-violet-50 text-violet-700 ring-violet-600/20",
  delete: "bg-red-50 text-red-700 ring-red-600/20",
};

/** `code` and **bold** in the document's text. */
function inline(text: string): ReactNode[] {
  return text.split(/(`[^`]+`|\*\*[^*]+\*\*)/g).map((part, i) => {
    if (part.startsWith("`") && part.endsWith("`"))
      return (
        <code key={i} className="rounded bg-slate-100 px-1 text-[0.85em]">
          {part.slice(1, -1)}
        </code>
      );
    if (part.startsWith("**") && part.endsWith("**")) return <strong key={i}>{part.slice(2, -2)}</strong>;
    return <Fragment key={i}>{part}</Fragment>;
  });
}

function Paragraphs({ text }: { text?: string }) {
  if (!text) return null;
  return (
    <div className="space-y-2 text-sm text-slate-700">
      {text.split(/\n{2,}/).map((p, i) => (
        <p key={i}>{inline(p)}</p>
      ))}
    </div>
  );
}

function anchor(method: string, path: string): string {
  return `${method}-${path}`
    .replace(/[^a-zA-Z0-9]+/g, "-")
    .replace(/-+$/, "")
    .toLowerCase();
}

function FieldTable({ rows, caption }: { rows: FieldRow[]; caption: string }) {
  if (rows.length === 0) return null;
  return (
    <ScrollArea label={caption}>
      <table className="min-w-full divide-y divide-slate-200 text-xs">
        <caption className="py-1 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">{caption}</caption>
        <thead>
          <tr className="text-left text-slate-500">
            <th scope="col" className="py-1.5 pr-4 font-medium">
              Field
            </th>
            <th scope="col" className="py-1.5 pr-4 font-medium">
              Type
            </th>
            <th scope="col" className="py-1.5 font-medium">
              Notes
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((r) => (
            <tr key={r.path} className="align-top">
              <td className="py-1.5 pr-4 font-mono text-slate-900">
                {r.path}
                {r.required && (
                  <span className="ml-1 text-red-600" title="required">
                    *
                  </span>
                )}
              </td>
              <td className="max-w-xs break-words py-1.5 pr-4 font-mono text-slate-600">{r.type}</td>
              <td className="py-1.5 text-slate-600">
                {r.notes.map((n, i) => (
                  <div key={i}>{inline(n)}</div>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollArea>
  );
}

function OperationCard({
  method,
  path,
  op,
  schemas,
}: {
  method: string;
  path: string;
  op: Operation;
  schemas: Record<string, JsonSchema>;
}) {
  const params: FieldRow[] = (op.parameters ?? []).map((p) => ({
    path: `${p.name}`,
    type: `${p.in}: ${flattenType(p.schema)}`,
    required: !!p.required,
    notes: [p.description ?? p.schema?.description ?? ""].filter(Boolean),
  }));
  const body = op.requestBody?.content?.["application/json"]?.schema;
  const success = Object.entries(op.responses).find(([s]) => s.startsWith("2"));
  const successSchema = success?.[1].content?.["application/json"]?.schema;
  const errors = Object.entries(op.responses).filter(([s]) => !s.startsWith("2"));
  return (
    <Card className="scroll-mt-6">
      <section id={anchor(method, path)} aria-labelledby={`${anchor(method, path)}-h`} className="space-y-4 px-5 py-4">
        <h3 id={`${anchor(method, path)}-h`} className="flex flex-wrap items-center gap-2 text-sm font-semibold text-slate-900">
          <span className={`rounded px-2 py-0.5 font-mono text-xs uppercase ring-1 ring-inset ${METHOD_STYLE[method]}`}>{method}</span>
          <code className="font-mono">{path}</code>
          <span className="font-normal text-slate-600">— {op.summary}</span>
        </h3>
        <Paragraphs text={op.description} />
        {op.security && op.security.length === 0 && <p className="text-xs text-slate-500">No API key needed.</p>}
        <FieldTable rows={params} caption="Parameters" />
        <FieldTable rows={flattenSchema(body, schemas)} caption="Request body (JSON)" />
        {success && <FieldTable rows={flattenSchema(successSchema, schemas)} caption={`Response ${success[0]}`} />}
        {errors.length > 0 && (
          <div>
            <p className="py-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Errors</p>
            <ul className="space-y-1 text-xs text-slate-700">
              {errors.map(([status, r]) => (
                <li key={status}>
                  <span className="mr-2 font-mono font-semibold">{status}</span>
                  {inline(r.description ?? "")}
                </li>
              ))}
            </ul>
          </div>
        )}
      </section>
    </Card>
  );
}

function flattenType(s: JsonSchema | undefined): string {
  if (!s) return "string";
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  const t = Array.isArray(s.type) ? s.type.join(" | ") : (s.type ?? "string");
  return s.format ? `${t} (${s.format})` : t;
}

export function ApiReference({ doc }: { doc: OpenApiDoc }) {
  const schemas = doc.components?.schemas ?? {};
  const ops: { tag: string; method: string; path: string; op: Operation }[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method] as Operation | undefined;
      if (op) ops.push({ tag: op.tags?.[0] ?? "Other", method, path, op });
    }
  }
  const tags = [...new Set(ops.map((o) => o.tag))];
  return (
    <div className="grid gap-6 lg:grid-cols-[14rem_1fr]">
      <nav aria-label="Endpoints" className="lg:sticky lg:top-6 lg:self-start">
        <ul className="space-y-3 text-sm">
          {tags.map((tag) => (
            <li key={tag}>
              <p className="font-semibold text-slate-900">{tag}</p>
              <ul className="mt-1 space-y-0.5">
                {ops
                  .filter((o) => o.tag === tag)
                  .map((o) => (
                    <li key={`${o.method} ${o.path}`}>
                      <a
                        href={`#${anchor(o.method, o.path)}`}
                        title={`${o.method.toUpperCase()} ${o.path}`}
                        className="block truncate rounded px-1 py-0.5 font-mono text-xs text-slate-700 hover:bg-slate-100"
                      >
                        <span className="uppercase text-slate-500">{o.method}</span> {o.path.replace("/api/v1", "")}
                      </a>
                    </li>
                  ))}
              </ul>
            </li>
          ))}
        </ul>
      </nav>
      <div className="min-w-0 space-y-8">
        <Card>
          <div className="px-5 py-4">
            <Paragraphs text={doc.info.description} />
          </div>
        </Card>
        {tags.map((tag) => (
          <section key={tag} aria-labelledby={`tag-${tag}`} className="space-y-4">
            <h2 id={`tag-${tag}`} className="text-lg font-semibold text-slate-900">
              {tag}
            </h2>
            {ops
              .filter((o) => o.tag === tag)
              .map((o) => (
                <OperationCard key={`${o.method} ${o.path}`} method={o.method} path={o.path} op={o.op} schemas={schemas} />
              ))}
          </section>
        ))}
      </div>
    </div>
  );
}
