import { and, desc, eq, lt } from "drizzle-orm";
import type { Db } from "@/db";
import { auditLog } from "@/db/schema";

export type AuditActor = { userId?: string | null; apiKeyId?: string | null; ip?: string | null };

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
    ip: actor.ip ?? null,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId ?? null,
    before: entry.before ?? null,
    after: entry.after ?? null,
  });
}

export async function listAudit(db: Db, workspaceId: string, opts: { limit?: number; before?: Date } = {}) {
  return db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.workspaceId, workspaceId), opts.before ? lt(auditLog.createdAt, opts.before) : undefined))
    .orderBy(desc(auditLog.createdAt))
    .limit(Math.min(opts.limit ?? 100, 500));
}
