import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import type { Directory } from "@/db/schema";
import { scimError, isScimmyError } from "@/lib/scim/errors";
import { normalizeBooleans } from "@/lib/scim/normalize";
import { BASE_PLACEHOLDER, scimmy, type ScimmyFilter } from "@/lib/scim/scimmy";

/** One SCIM request of one directory, inside its transaction. */
export type ScimContext = { db: Db; directory: Directory; now: Date; ip: string | null };

/** Parsed list/read query: filter, attribute selection and pagination (RFC 7644 §3.4.2). */
export type ScimQuery = {
  filter?: ScimmyFilter;
  /** SCIMMY's attribute selection (from `attributes` / `excludedAttributes`), applied on output. */
  attributes?: unknown;
  startIndex: number;
  count: number;
  /** Group lists: members are left out (and not loaded) when excluded. */
  wantsMembers: boolean;
};

export const MAX_PAGE = 200;
export const DEFAULT_PAGE = 100;

export function parseScimQuery(kind: "User" | "Group", params: URLSearchParams): ScimQuery {
  const S = scimmy();
  const raw: Record<string, string> = {};
  for (const key of ["filter", "attributes", "excludedAttributes"]) {
    const v = params.get(key);
    if (v !== null) raw[key] = v;
  }
  const R = kind === "User" ? S.Resources.User : S.Resources.Group;
  const parsed = new R(raw as never) as unknown as { filter?: ScimmyFilter; attributes?: unknown };
  const int = (name: string) => {
    const v = params.get(name);
    if (v === null || v.trim() === "") return null;
    const n = Number(v);
    if (!Number.isInteger(n)) throw scimError(400, "invalidValue", `${name} must be an integer`);
    return n;
  };
  const names = (v: string | null) => (v ?? "").split(",").map((s) => s.trim().toLowerCase());
  const excluded = names(params.get("excludedAttributes"));
  const included = params.get("attributes");
  return {
    filter: parsed.filter,
    attributes: parsed.attributes,
    startIndex: Math.max(1, int("startIndex") ?? 1),
    count: Math.min(MAX_PAGE, Math.max(0, int("count") ?? DEFAULT_PAGE)),
    wantsMembers:
      !excluded.includes("members") && (included === null || names(included).some((a) => a === "members" || a.startsWith("members."))),
  };
}

/** Validate and coerce an incoming resource with SCIMMY's schema ("in"); never keeps id, meta, groups or a password. */
export function coerceIn(kind: "User" | "Group", body: unknown): Record<string, unknown> {
  if (!body || typeof body !== "object" || Array.isArray(body))
    throw scimError(400, "invalidSyntax", "Expected a JSON object as the request body");
  const { id: _id, meta: _meta, groups: _groups, password: _password, ...rest } = normalizeBooleans(body) as Record<string, unknown>;
  const S = scimmy();
  try {
    const instance = kind === "User" ? new S.Schemas.User(rest, "in") : new S.Schemas.Group(rest, "in");
    const out = JSON.parse(JSON.stringify(instance)) as Record<string, unknown>;
    delete out.meta;
    delete out.password;
    return out;
  } catch (e) {
    if (isScimmyError(e)) throw e;
    throw scimError(400, "invalidValue", e instanceof Error ? e.message : String(e));
  }
}

/** The outgoing form of a resource (attribute selection applied), as plain JSON. */
export function coerceOut(kind: "User" | "Group", rep: Record<string, unknown>, attributes?: unknown): Record<string, unknown> {
  const S = scimmy();
  const base = `${BASE_PLACEHOLDER}/${kind === "User" ? "Users" : "Groups"}`;
  const instance =
    kind === "User"
      ? new S.Schemas.User(rep, "out", base, attributes as never)
      : new S.Schemas.Group(rep, "out", base, attributes as never);
  return JSON.parse(JSON.stringify(instance)) as Record<string, unknown>;
}

/** An outgoing Schema instance for PatchOp.apply (which patches SCIMMY instances). */
export function schemaInstance(kind: "User" | "Group", rep: Record<string, unknown>) {
  const S = scimmy();
  const base = `${BASE_PLACEHOLDER}/${kind === "User" ? "Users" : "Groups"}`;
  return kind === "User" ? new S.Schemas.User(rep, "out", base) : new S.Schemas.Group(rep, "out", base);
}

export function notFound(kind: "User" | "Group", id: string): Error {
  return scimError(404, null, `${kind} ${id} not found`);
}

export function isUuid(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
}

/** Serialise work on one key within the transaction (e.g. the same email through SCIM and SSO at once). */
export async function lockKey(db: Db, key: string): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(hashtext(${key}))`);
}

/** A ListResponse (RFC 7644 §3.4.2), paginated by the database. */
export function listResponse(resources: Record<string, unknown>[], total: number, startIndex: number) {
  return {
    schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
    totalResults: total,
    startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}
