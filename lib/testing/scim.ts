import { REMOTE_ADDR_HEADER } from "@/lib/http/client-ip";
import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { auditLog, memberships, users, webhookDeliveries, webhookEvents } from "@/db/schema";
import { DELETE, GET, PATCH, POST, PUT } from "@/app/api/scim/v2/[directoryId]/[[...path]]/route";
import { createDirectory, scimBaseUrl } from "@/lib/services/directories";
import { addVerifiedDomain, makeWorkspace, uniq } from "@/lib/testing/fixtures";
import { createWebhookEndpoint } from "@/lib/services/webhooks";

/** Test support for SCIM: a workspace with a verified domain, a directory and a catch-all webhook endpoint. */

const handlers = { GET, POST, PUT, PATCH, DELETE } as const;
export const APP_URL = "http://localhost:3999";

export type ScimTestDirectory = Awaited<ReturnType<typeof makeScimDirectory>>;

export async function makeScimDirectory(db: Db, kind: "okta" | "entra" | "generic" = "generic") {
  const domain = `scim-${uniq()}.test`;
  const ws = await makeWorkspace(db, { domain });
  await addVerifiedDomain(db, ws.workspace.id, domain);
  const { directory, token } = await createDirectory(db, ws.workspace.id, { name: `${kind} directory`, kind }, { userId: null });
  await createWebhookEndpoint(
    db,
    { kind: "workspace", workspaceId: ws.workspace.id },
    { url: "https://receiver.example/hooks" },
    { userId: null },
  );
  return { ...ws, domain, directory, token, base: scimBaseUrl(APP_URL, directory.id) };
}

export type ScimResponse = { status: number; headers: Headers; json: Record<string, unknown> | null; text: string };

/** Call the real SCIM route handler the way Next does. `path` is below the base URL, e.g. "/Users?filter=…". */
export async function scimCall(
  d: { directory: { id: string }; token: string },
  method: keyof typeof handlers,
  path: string,
  body?: unknown,
  opts: { token?: string | null; directoryId?: string; contentType?: string; rawBody?: string; ip?: string } = {},
): Promise<ScimResponse> {
  const directoryId = opts.directoryId ?? d.directory.id;
  const url = new URL(`${APP_URL}/api/scim/v2/${directoryId}${path}`);
  const token = opts.token === undefined ? d.token : opts.token;
  const headers: Record<string, string> = { accept: "application/scim+json" };
  if (token) headers.authorization = `Bearer ${token}`;
  if (opts.ip) headers[REMOTE_ADDR_HEADER] = opts.ip;
  const text = opts.rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
  if (text !== undefined) headers["content-type"] = opts.contentType ?? "application/scim+json; charset=utf-8";
  const segments = url.pathname.split("/").slice(5).filter(Boolean);
  const res = await handlers[method](new Request(url, { method, headers, body: text }), {
    params: Promise.resolve({ directoryId, path: segments }),
  });
  const out = await res.text();
  let json: Record<string, unknown> | null = null;
  try {
    json = out ? (JSON.parse(out) as Record<string, unknown>) : null;
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, json, text: out };
}

/** The membership of the account with `email` in the workspace, with its session version. */
export async function memberState(db: Db, workspaceId: string, email: string) {
  const [row] = await db
    .select({
      role: memberships.role,
      disabled: memberships.disabled,
      source: memberships.source,
      status: memberships.status,
      sessionVersion: users.sessionVersion,
      userId: users.id,
    })
    .from(users)
    .leftJoin(memberships, and(eq(memberships.userId, users.id), eq(memberships.workspaceId, workspaceId)))
    .where(sql`lower(${users.email}) = lower(${email})`);
  return row;
}

/** Outbox events of the workspace after delivery sequence `afterSeq`, in the order they were written. */
export async function eventsSince(db: Db, workspaceId: string, afterSeq: number) {
  const rows = await db
    .select({ seq: webhookDeliveries.seq, type: webhookEvents.type, body: webhookEvents.body })
    .from(webhookDeliveries)
    .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
    .where(and(eq(webhookDeliveries.workspaceId, workspaceId), gt(webhookDeliveries.seq, afterSeq), eq(webhookDeliveries.manual, false)))
    .orderBy(asc(webhookDeliveries.seq));
  return rows.map((r) => ({ seq: Number(r.seq), type: r.type, data: (JSON.parse(r.body) as { data: Record<string, unknown> }).data }));
}

export async function lastDeliverySeq(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`coalesce(max(${webhookDeliveries.seq}), 0)` }).from(webhookDeliveries);
  return Number(row?.n ?? 0);
}

export async function auditSince(db: Db, workspaceId: string, since: Date) {
  return db
    .select({ action: auditLog.action, after: auditLog.after })
    .from(auditLog)
    .where(and(eq(auditLog.workspaceId, workspaceId), sql`${auditLog.createdAt} >= ${since.toISOString()}::timestamptz`))
    .orderBy(asc(auditLog.createdAt));
}
