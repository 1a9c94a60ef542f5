import { and, desc, eq, lt, or, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { apiKeys, auditLog, setupLinks, users } from "@/db/schema";
import { AppError } from "@/lib/errors";

export type AuditActor = { userId?: string | null; apiKeyId?: string | null; setupLinkId?: string | null; ip?: string | null };

export type AuditEntry = {
  action: string;
  targetType: string;
  targetId?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
};

export async function recordAudit(db: Db, workspaceId: string, actor: AuditActor, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({
    workspaceId,
    actorUserId: actor.userId ?? null,
    actorApiKeyId: actor.apiKeyId ?? null,
    actorSetupLinkId: actor.setupLinkId ?? null,
    ip: actor.ip ?? null,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId ?? null,
    before: entry.before ?? null,
    after: entry.after ?? null,
  });
}

export type AuditItem = {
  id: string;
  createdAt: Date;
  action: string;
  targetType: string;
  targetId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  ip: string | null;
  /** Who acted: a user, an API key, or the system (SSO sign-in, operator CLI). */
  actor:
    | { kind: "user"; id: string; email: string | null }
    | { kind: "api_key"; id: string; name: string | null }
    | { kind: "setup_link"; id: string; name: string | null }
    | { kind: "system" };
};

// Cursors carry the timestamp at full (microsecond) precision, so rows within one millisecond are never skipped.
const tsText = sql<string>`to_char(${auditLog.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

function encodeCursor(ts: string, id: string): string {
  return Buffer.from(`${ts}|${id}`).toString("base64url");
}

function decodeCursor(cursor: string): { ts: string; id: string } {
  const [ts, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  if (!ts || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(ts) || !id || !/^[0-9a-f-]{36}$/i.test(id)) {
    throw new AppError("BAD_REQUEST", { message: "Invalid cursor." });
  }
  return { ts, id };
}

/** One page of the workspace's audit log, newest first; `nextCursor` fetches the following page. */
export async function listAuditPage(
  db: Db,
  workspaceId: string,
  opts: { cursor?: string | null; limit?: number } = {},
): Promise<{ items: AuditItem[]; nextCursor: string | null }> {
  const limit = Math.max(1, Math.min(opts.limit ?? 50, 200));
  const c = opts.cursor ? decodeCursor(opts.cursor) : null;
  const rows = await db
    .select({ log: auditLog, ts: tsText, userEmail: users.email, keyName: apiKeys.name, linkName: setupLinks.name })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorUserId))
    .leftJoin(apiKeys, and(eq(apiKeys.id, auditLog.actorApiKeyId), eq(apiKeys.workspaceId, workspaceId)))
    .leftJoin(setupLinks, and(eq(setupLinks.id, auditLog.actorSetupLinkId), eq(setupLinks.workspaceId, workspaceId)))
    .where(
      and(
        eq(auditLog.workspaceId, workspaceId),
        c
          ? or(
              sql`${auditLog.createdAt} < ${c.ts}::timestamptz`,
              and(sql`${auditLog.createdAt} = ${c.ts}::timestamptz`, lt(auditLog.id, c.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const items: AuditItem[] = page.map(({ log, userEmail, keyName, linkName }) => ({
    id: log.id,
    createdAt: log.createdAt,
    action: log.action,
    targetType: log.targetType,
    targetId: log.targetId,
    before: log.before,
    after: log.after,
    ip: log.ip,
    actor: log.actorUserId
      ? { kind: "user", id: log.actorUserId, email: userEmail }
      : log.actorApiKeyId
        ? { kind: "api_key", id: log.actorApiKeyId, name: keyName }
        : log.actorSetupLinkId
          ? { kind: "setup_link", id: log.actorSetupLinkId, name: linkName }
          : { kind: "system" },
  }));
  const last = page[page.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.ts, last.log.id) : null };
}
