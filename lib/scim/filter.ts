import type { ScimmyFilter } from "./scimmy";

/**
 * A SCIM filter as a database query when it is one Gatehouse can answer exactly in SQL, else
 * "memory" (the rows are matched with SCIMMY's own filter engine). SQL covers what Okta and Entra
 * send: `userName eq`, `externalId eq`, `id eq`, `displayName eq`, `emails[type eq "work"].value eq`,
 * `emails.value eq`, `active eq`, and `or`/`and` of those. userName, displayName and email compare
 * case-insensitively (caseExact false in RFC 7643), externalId and id exactly.
 */
export type Condition =
  | { attr: "userName" | "displayName" | "externalId" | "id"; value: string }
  | { attr: "email"; value: string; type: string | null }
  | { attr: "active"; value: boolean };

export type FilterPlan = { kind: "all" } | { kind: "sql"; anyOf: Condition[][] } | { kind: "memory" };

type Expr = [string, unknown] | unknown;

function eqValue(expr: Expr): unknown | undefined {
  if (!Array.isArray(expr) || expr.length !== 2) return undefined;
  const [op, value] = expr as [unknown, unknown];
  return typeof op === "string" && op.toLowerCase() === "eq" ? value : undefined;
}

function branch(obj: Record<string, unknown>, resource: "User" | "Group"): Condition[] | null {
  const out: Condition[] = [];
  for (const [rawKey, expr] of Object.entries(obj)) {
    const key = rawKey.toLowerCase();
    if (key === "emails" && resource === "User" && expr && typeof expr === "object" && !Array.isArray(expr)) {
      const sub = Object.fromEntries(Object.entries(expr as Record<string, unknown>).map(([k, v]) => [k.toLowerCase(), v]));
      const keys = Object.keys(sub);
      if (!keys.includes("value") || keys.some((k) => k !== "value" && k !== "type")) return null;
      const value = eqValue(sub.value);
      const type = sub.type === undefined ? null : eqValue(sub.type);
      if (typeof value !== "string" || (type !== null && typeof type !== "string")) return null;
      out.push({ attr: "email", value, type: type as string | null });
      continue;
    }
    const value = eqValue(expr);
    if (value === undefined) return null;
    if (key === "active" && resource === "User") {
      const b = typeof value === "string" ? value.toLowerCase() === "true" : value;
      if (typeof b !== "boolean") return null;
      out.push({ attr: "active", value: b });
      continue;
    }
    const attr = ({ username: "userName", displayname: "displayName", externalid: "externalId", id: "id" } as const)[
      key as "username" | "displayname" | "externalid" | "id"
    ];
    if (!attr || typeof value !== "string" || (attr === "userName" && resource !== "User")) return null;
    out.push({ attr, value });
  }
  return out.length ? out : null;
}

export function planFilter(filter: ScimmyFilter | undefined, resource: "User" | "Group"): FilterPlan {
  if (!filter || !filter.length) return { kind: "all" };
  const anyOf: Condition[][] = [];
  for (const obj of filter as unknown as Record<string, unknown>[]) {
    const b = branch(obj, resource);
    if (!b) return { kind: "memory" };
    anyOf.push(b);
  }
  return { kind: "sql", anyOf };
}
