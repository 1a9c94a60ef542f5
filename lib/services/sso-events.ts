import { and, desc, eq, gte, lt, or, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { ssoEvents, type SsoEvent } from "@/db/schema";
import { AppError } from "@/lib/errors";
import type { SsoEventFilter } from "@/lib/schemas/sso-events";
import { emitEvent } from "@/lib/webhooks/emit";

export type { SsoEvent };

export type SsoEventInput = {
  workspaceId: string | null;
  connectionId: string | null;
  outcome: "success" | "failure";
  errorCode?: string | null;
  email?: string | null;
  flow?: "sp" | "idp" | null;
  testMode?: boolean;
  /** The response carried a valid signature of the connection's IdP. */
  signatureVerified?: boolean;
  userId?: string | null;
  ip?: string | null;
  /** Safe expected/actual values only: never keys, tokens or whole assertions. */
  detail?: Record<string, unknown>;
  now?: Date;
};

/** No event's detail is stored larger than this (JSON bytes): the ACS is reachable by anyone. */
export const SSO_EVENT_DETAIL_MAX_BYTES = 4096;

type Limits = { string: number; items: number; depth: number };
const LIMITS: Limits[] = [
  { string: 512, items: 50, depth: 4 },
  { string: 128, items: 10, depth: 3 },
  { string: 32, items: 3, depth: 2 },
];

function boundValue(v: unknown, l: Limits, depth: number): unknown {
  if (v === null || typeof v === "number" || typeof v === "boolean") return v;
  if (typeof v === "string") return v.length > l.string ? `${v.slice(0, l.string)}… (${v.length} characters)` : v;
  if (depth >= l.depth) return "…";
  if (Array.isArray(v)) {
    const items = v.slice(0, l.items).map((x) => boundValue(x, l, depth + 1));
    return v.length > l.items ? [...items, `… (${v.length} items)`] : items;
  }
  if (typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>);
    const out: Record<string, unknown> = {};
    for (const [k, x] of entries.slice(0, l.items)) out[k.slice(0, 100)] = boundValue(x, l, depth + 1);
    if (entries.length > l.items) out["…"] = `${entries.length} keys`;
    return out;
  }
  return String(v).slice(0, l.string);
}

/**
 * The event detail, cut to at most SSO_EVENT_DETAIL_MAX_BYTES of JSON: long strings, lists and deep
 * objects are shortened step by step (each cut says how much there was); what still does not fit is
 * replaced by the names of its fields.
 */
export function boundEventDetail(detail: Record<string, unknown>): Record<string, unknown> {
  for (const l of LIMITS) {
    const bounded = boundValue(detail, l, 0) as Record<string, unknown>;
    if (Buffer.byteLength(JSON.stringify(bounded)) <= SSO_EVENT_DETAIL_MAX_BYTES) return bounded;
  }
  return {
    truncated: true,
    fields: Object.keys(detail)
      .slice(0, 20)
      .map((k) => k.slice(0, 60)),
  };
}

/**
 * One row per sign-in attempt (success or failure, SP or IdP initiated, test or not; the detail is bounded). A failure outside
 * test mode is also the (opt-in) webhook event sso.sign_in_failed, written in the same transaction.
 */
export async function recordSsoEvent(db: Db, input: SsoEventInput): Promise<SsoEvent> {
  const notify = input.outcome === "failure" && !input.testMode && !!input.workspaceId;
  if (!notify) return insertSsoEvent(db, input);
  return db.transaction(async (tx) => {
    const row = await insertSsoEvent(tx, input);
    await emitEvent(tx, {
      workspaceId: input.workspaceId!,
      type: "sso.sign_in_failed",
      data: {
        organization_id: input.workspaceId!,
        connection_id: input.connectionId,
        email: row.email,
        error_code: input.errorCode ?? "UNKNOWN",
        sso_event_id: row.id,
      },
      at: row.createdAt,
    });
    return row;
  });
}

async function insertSsoEvent(db: Db, input: SsoEventInput): Promise<SsoEvent> {
  const [row] = await db.insert(ssoEvents).values(ssoEventValues(input)).returning();
  return row!;
}

/** The sso_events row of an attempt (detail bounded), for callers that write it together with other rows. */
export function ssoEventValues(input: SsoEventInput): typeof ssoEvents.$inferInsert {
  return {
    workspaceId: input.workspaceId,
    connectionId: input.connectionId,
    outcome: input.outcome,
    errorCode: input.errorCode ?? null,
    email: input.email ? input.email.slice(0, 320) : null,
    flow: input.flow ?? null,
    testMode: input.testMode ?? false,
    signatureVerified: input.signatureVerified ?? false,
    userId: input.userId ?? null,
    ip: input.ip ? input.ip.slice(0, 64) : null,
    detail: boundEventDetail(input.detail ?? {}),
    ...(input.now ? { createdAt: input.now } : {}),
  };
}

/** Newest first; the cursor is opaque ("<created_at ISO>|<id>"). */
export async function listSsoEvents(
  db: Db,
  workspaceId: string,
  f: SsoEventFilter = {},
): Promise<{ items: SsoEvent[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(f.limit ?? 50, 1), 200);
  const cursor = f.cursor ? decodeCursor(f.cursor) : null;
  const rows = await db
    .select()
    .from(ssoEvents)
    .where(
      and(
        eq(ssoEvents.workspaceId, workspaceId),
        f.connectionId ? eq(ssoEvents.connectionId, f.connectionId) : undefined,
        f.outcome ? eq(ssoEvents.outcome, f.outcome) : undefined,
        f.email ? sql`lower(${ssoEvents.email}) = ${f.email.trim().toLowerCase()}` : undefined,
        f.since ? gte(ssoEvents.createdAt, f.since) : undefined,
        f.until ? lt(ssoEvents.createdAt, f.until) : undefined,
        cursor ? or(lt(ssoEvents.createdAt, cursor.at), and(eq(ssoEvents.createdAt, cursor.at), lt(ssoEvents.id, cursor.id))) : undefined,
      ),
    )
    .orderBy(desc(ssoEvents.createdAt), desc(ssoEvents.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}

export async function getSsoEventOrThrow(db: Db, workspaceId: string, id: string): Promise<SsoEvent> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppError("NOT_FOUND");
  const [row] = await db
    .select()
    .from(ssoEvents)
    .where(and(eq(ssoEvents.id, id), eq(ssoEvents.workspaceId, workspaceId)));
  if (!row) throw new AppError("NOT_FOUND");
  return row;
}

function encodeCursor(e: SsoEvent): string {
  return Buffer.from(`${e.createdAt.toISOString()}|${e.id}`).toString("base64url");
}

function decodeCursor(cursor: string): { at: Date; id: string } {
  const [at, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const date = new Date(at ?? "");
  if (!id || !/^[0-9a-f-]{36}$/i.test(id) || Number.isNaN(date.getTime())) {
    throw new AppError("VALIDATION_FAILED", { fields: [{ path: "cursor", message: "Invalid cursor" }] });
  }
  return { at: date, id };
}
