import { and, desc, eq, gte, ilike, lt, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db";
import { apiKeys, auditLog, setupLinks, users } from "@/db/schema";
import { AppError } from "@/lib/errors";
import type { AuditFilter } from "@/lib/schemas/audit";
import { resolveTargetNames, resolveUserEmails, snapshotName, targetKey } from "./audit-names";

export type AuditActor = { userId?: string | null; apiKeyId?: string | null; setupLinkId?: string | null; ip?: string | null };

export type AuditEntry = {
  action: string;
  targetType: string;
  targetId?: string | null;
  /** The target's name now (email, domain, connection name); looked up when not given. */
  targetName?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
};

/** The name stored with an entry, shown once the target is gone: given, looked up, or from the snapshot. */
async function nameAtWrite(db: Db, workspaceId: string, entry: AuditEntry): Promise<string | null> {
  if (entry.targetName) return entry.targetName;
  if (entry.targetId) {
    const found = (await resolveTargetNames(db, workspaceId, [{ type: entry.targetType, id: entry.targetId }])).get(
      targetKey(entry.targetType, entry.targetId),
    );
    if (found) return found;
  }
  const fromSnapshot = snapshotName(entry.after) ?? snapshotName(entry.before);
  if (fromSnapshot) return fromSnapshot;
  const userId = (entry.after?.userId ?? entry.before?.userId) as unknown;
  if (typeof userId === "string") return (await resolveUserEmails(db, [userId])).get(userId) ?? null;
  return null;
}

export async function recordAudit(db: Db, workspaceId: string, actor: AuditActor, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({
    targetName: await nameAtWrite(db, workspaceId, entry),
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
  /** The target's current name, else the name stored when the entry was written, else null. */
  targetName: string | null;
  /** The target no longer exists (its name is the one stored at write time). */
  targetGone: boolean;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  /** Emails for `userId` values that appear in before/after. */
  userEmails: Record<string, string>;
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

/** SQL for the filters (actor, action, target, date range); each one narrows the list. */
function filterWhere(f: AuditFilter): SQL | undefined {
  const like = (v: string) => `%${v.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const conds: (SQL | undefined)[] = [];
  if (f.actor) {
    conds.push(
      f.actor === "system"
        ? and(sql`${auditLog.actorUserId} is null`, sql`${auditLog.actorApiKeyId} is null`)
        : or(ilike(users.email, like(f.actor)), ilike(apiKeys.name, like(f.actor))),
    );
  }
  // "domain" or "domain." lists every domain.* action; "domain.verified" that action only.
  if (f.action) conds.push(or(eq(auditLog.action, f.action), sql`${auditLog.action} like ${`${f.action.replace(/\.$/, "")}.%`}`));
  if (f.target)
    conds.push(or(ilike(auditLog.targetName, like(f.target)), eq(auditLog.targetId, f.target), eq(auditLog.targetType, f.target)));
  if (f.from) conds.push(gte(auditLog.createdAt, new Date(`${f.from}T00:00:00Z`)));
  if (f.to) conds.push(lt(auditLog.createdAt, new Date(new Date(`${f.to}T00:00:00Z`).getTime() + 86_400_000)));
  return conds.length ? and(...conds) : undefined;
}

/** One page of the workspace's audit log, newest first, filtered; `nextCursor` fetches the following page. */
export async function listAuditPage(
  db: Db,
  workspaceId: string,
  opts: { cursor?: string | null; limit?: number; filter?: AuditFilter } = {},
): Promise<{ items: AuditItem[]; nextCursor: string | null }> {
  const limit = Math.max(1, Math.min(opts.limit ?? 50, 500));
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
        opts.filter ? filterWhere(opts.filter) : undefined,
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
  const names = await resolveTargetNames(
    db,
    workspaceId,
    page.map(({ log }) => ({ type: log.targetType, id: log.targetId })),
  );
  const userIds = page.flatMap(({ log }) => [log.before?.userId, log.after?.userId].filter((v): v is string => typeof v === "string"));
  const emails = await resolveUserEmails(db, userIds);
  const items: AuditItem[] = page.map(({ log, userEmail, keyName, linkName }) => {
    const current = log.targetId ? names.get(targetKey(log.targetType, log.targetId)) : undefined;
    const userEmails: Record<string, string> = {};
    for (const id of [log.before?.userId, log.after?.userId])
      if (typeof id === "string" && emails.has(id)) userEmails[id] = emails.get(id)!;
    return {
      id: log.id,
      createdAt: log.createdAt,
      action: log.action,
      targetType: log.targetType,
      targetId: log.targetId,
      targetName: current ?? log.targetName ?? null,
      targetGone: !current && !!log.targetId && log.targetType in KNOWN_TARGET_TYPES,
      before: log.before,
      after: log.after,
      userEmails,
      ip: log.ip,
      actor: log.actorUserId
        ? { kind: "user", id: log.actorUserId, email: userEmail }
        : log.actorApiKeyId
          ? { kind: "api_key", id: log.actorApiKeyId, name: keyName }
          : log.actorSetupLinkId
            ? { kind: "setup_link", id: log.actorSetupLinkId, name: linkName }
            : { kind: "system" },
    };
  });
  const last = page[page.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.ts, last.log.id) : null };
}

/** Target types whose names are looked up (a missing one means the object was deleted). */
const KNOWN_TARGET_TYPES: Record<string, true> = { membership: true, domain: true, connection: true, api_key: true, invitation: true };

/** Every entry matching `filter`, newest first, page by page (for the CSV export): never the whole log in memory. */
export async function* iterateAudit(db: Db, workspaceId: string, filter: AuditFilter, pageSize = 500): AsyncGenerator<AuditItem> {
  let cursor: string | null = null;
  do {
    const page = await listAuditPage(db, workspaceId, { cursor, limit: pageSize, filter });
    yield* page.items;
    cursor = page.nextCursor;
  } while (cursor);
}
