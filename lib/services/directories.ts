import { createHash, randomBytes } from "node:crypto";
import { and, asc, count, desc, eq, gt, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "@/db";
import {
  connections,
  directories,
  directoryGroupMembers,
  directoryGroups,
  directoryTokens,
  directoryUsers,
  memberships,
  scimRequests,
  type Directory,
} from "@/db/schema";
import { AppError } from "@/lib/errors";
import {
  directoryCreateSchema,
  directoryUpdateSchema,
  type DirectoryCreateInput,
  type DirectoryUpdateInput,
} from "@/lib/schemas/directories";
import { emitEvent } from "@/lib/webhooks/emit";
import type { MappableRole } from "@/lib/auth/roles";
import { recordAudit, type AuditActor } from "./audit";
import { nudgeJob } from "./jobs";
import { resyncDirectoryAccess } from "./scim/access";
import { WEBHOOK_DELIVERY_JOB } from "./webhooks";

/** Every token starts with this; the rest is 32 random bytes, base64url. */
export const SCIM_TOKEN_PREFIX = "scim_";
const DISPLAY_PREFIX_LENGTH = SCIM_TOKEN_PREFIX.length + 6;
/** The previous token keeps working this long after a rotation unless told otherwise. */
export const DEFAULT_TOKEN_OVERLAP_MINUTES = 60;
/** Request log retention. */
export const SCIM_REQUEST_RETENTION_DAYS = 30;

export type { Directory };

export function hashScimToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

function newToken(): { token: string; prefix: string; hash: string } {
  const token = SCIM_TOKEN_PREFIX + randomBytes(32).toString("base64url");
  return { token, prefix: token.slice(0, DISPLAY_PREFIX_LENGTH), hash: hashScimToken(token) };
}

/** `{APP_URL}/api/scim/v2/{directoryId}`: what the IdP calls. */
export function scimBaseUrl(appUrl: string, directoryId: string): string {
  return `${appUrl.replace(/\/+$/, "")}/api/scim/v2/${directoryId}`;
}

function auditView(d: Directory) {
  return {
    name: d.name,
    kind: d.kind,
    active: d.active,
    connectionId: d.connectionId,
    defaultRole: d.defaultRole,
    deprovisionOutsideMappedGroups: d.deprovisionOutsideMappedGroups,
  };
}

async function assertConnectionInWorkspace(db: Db, workspaceId: string, connectionId: string | null | undefined) {
  if (!connectionId) return;
  const [row] = await db
    .select({ id: connections.id })
    .from(connections)
    .where(and(eq(connections.id, connectionId), eq(connections.workspaceId, workspaceId)));
  if (!row)
    throw new AppError("VALIDATION_FAILED", {
      fields: [{ path: "connectionId", message: "No such connection in this workspace" }],
    });
}

/** Create a directory and its first token; `token` is returned this once (only its hash is stored). */
export async function createDirectory(
  db: Db,
  workspaceId: string,
  input: DirectoryCreateInput,
  actor: AuditActor,
): Promise<{ directory: Directory; token: string }> {
  const data = directoryCreateSchema.parse(input);
  const t = newToken();
  return db.transaction(async (tx) => {
    await assertConnectionInWorkspace(tx, workspaceId, data.connectionId);
    const [d] = await tx
      .insert(directories)
      .values({ workspaceId, name: data.name, kind: data.kind, connectionId: data.connectionId ?? null, defaultRole: data.defaultRole })
      .returning();
    await tx.insert(directoryTokens).values({ directoryId: d!.id, tokenHash: t.hash, prefix: t.prefix });
    await recordAudit(tx, workspaceId, actor, {
      action: "directory.created",
      targetType: "directory",
      targetId: d!.id,
      after: auditView(d!),
    });
    return { directory: d!, token: t.token };
  });
}

export async function listDirectories(db: Db, workspaceId: string): Promise<Directory[]> {
  return db.select().from(directories).where(eq(directories.workspaceId, workspaceId)).orderBy(asc(directories.createdAt));
}

export async function getDirectoryOrThrow(db: Db, workspaceId: string, id: string, opts: { forUpdate?: boolean } = {}): Promise<Directory> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppError("NOT_FOUND");
  const q = db
    .select()
    .from(directories)
    .where(and(eq(directories.id, id), eq(directories.workspaceId, workspaceId)));
  const [row] = opts.forUpdate ? await q.for("update") : await q;
  if (!row) throw new AppError("NOT_FOUND");
  return row;
}

/** Operator CLI: a directory by id in any workspace. */
export async function findDirectoryById(db: Db, id: string): Promise<Directory> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppError("NOT_FOUND", { message: `No directory ${id}.` });
  const [row] = await db.select().from(directories).where(eq(directories.id, id));
  if (!row) throw new AppError("NOT_FOUND", { message: `No directory ${id}.` });
  return row;
}

/**
 * Change a directory. Turning it off refuses its requests (nobody's access changes); changing the
 * default role or the "access by group" switch re-applies every provisioned person's access and role.
 */
export async function updateDirectory(
  db: Db,
  workspaceId: string,
  id: string,
  input: DirectoryUpdateInput,
  actor: AuditActor,
  now = new Date(),
): Promise<Directory> {
  const data = directoryUpdateSchema.parse(input);
  const row = await db.transaction(async (tx) => {
    const before = await getDirectoryOrThrow(tx, workspaceId, id, { forUpdate: true });
    if (data.connectionId !== undefined) await assertConnectionInWorkspace(tx, workspaceId, data.connectionId);
    const [after] = await tx
      .update(directories)
      .set({ ...data, updatedAt: now })
      .where(eq(directories.id, before.id))
      .returning();
    await recordAudit(tx, workspaceId, actor, {
      action: "directory.updated",
      targetType: "directory",
      targetId: id,
      before: auditView(before),
      after: auditView(after!),
    });
    if (before.active !== after!.active) {
      await emitEvent(tx, {
        workspaceId,
        type: after!.active ? "directory.activated" : "directory.deactivated",
        data: { organization_id: workspaceId, directory_id: id, name: after!.name, kind: after!.kind },
        at: now,
      });
    }
    if (before.defaultRole !== after!.defaultRole || before.deprovisionOutsideMappedGroups !== after!.deprovisionOutsideMappedGroups) {
      await resyncDirectoryAccess(tx, after!, { now, ip: actor.ip ?? null });
    }
    return after!;
  });
  nudgeJob(WEBHOOK_DELIVERY_JOB);
  return row;
}

/** Delete a directory, its tokens, users and groups. The members it provisioned stay, as they are. */
export async function deleteDirectory(db: Db, workspaceId: string, id: string, actor: AuditActor): Promise<void> {
  await db.transaction(async (tx) => {
    const before = await getDirectoryOrThrow(tx, workspaceId, id, { forUpdate: true });
    await tx.delete(directories).where(eq(directories.id, before.id));
    await recordAudit(tx, workspaceId, actor, {
      action: "directory.deleted",
      targetType: "directory",
      targetId: id,
      before: auditView(before),
    });
  });
}

/**
 * A new token. Tokens made before it keep working for `overlapMinutes` (0: stop at once), so the IdP
 * can be switched over without an outage. Returned this once.
 */
export async function rotateDirectoryToken(
  db: Db,
  workspaceId: string,
  id: string,
  opts: { overlapMinutes?: number },
  actor: AuditActor,
  now = new Date(),
): Promise<{ token: string; previousValidUntil: Date }> {
  const overlap = Math.max(0, Math.min(opts.overlapMinutes ?? DEFAULT_TOKEN_OVERLAP_MINUTES, 7 * 24 * 60));
  const until = new Date(now.getTime() + overlap * 60_000);
  const t = newToken();
  await db.transaction(async (tx) => {
    const d = await getDirectoryOrThrow(tx, workspaceId, id, { forUpdate: true });
    // Earlier tokens end at `until` (or earlier, if a previous rotation already set that).
    await tx
      .update(directoryTokens)
      .set({ expiresAt: until })
      .where(and(eq(directoryTokens.directoryId, d.id), or(isNull(directoryTokens.expiresAt), gt(directoryTokens.expiresAt, until))));
    await tx.insert(directoryTokens).values({ directoryId: d.id, tokenHash: t.hash, prefix: t.prefix, createdAt: now });
    await recordAudit(tx, workspaceId, actor, {
      action: "directory.token_rotated",
      targetType: "directory",
      targetId: id,
      after: { prefix: t.prefix, previousValidUntil: until.toISOString() },
    });
  });
  return { token: t.token, previousValidUntil: until };
}

export type DirectoryTokenView = { prefix: string; createdAt: Date; expiresAt: Date | null; lastUsedAt: Date | null };

/** Tokens that still work (newest first). */
export async function listDirectoryTokens(db: Db, directoryId: string, now = new Date()): Promise<DirectoryTokenView[]> {
  return db
    .select({
      prefix: directoryTokens.prefix,
      createdAt: directoryTokens.createdAt,
      expiresAt: directoryTokens.expiresAt,
      lastUsedAt: directoryTokens.lastUsedAt,
    })
    .from(directoryTokens)
    .where(and(eq(directoryTokens.directoryId, directoryId), or(isNull(directoryTokens.expiresAt), gt(directoryTokens.expiresAt, now))))
    .orderBy(desc(directoryTokens.createdAt));
}

/**
 * The directory a bearer token opens, or null. The token must belong to exactly the directory the URL
 * names: another directory's token (even of the same workspace) opens nothing.
 */
export async function authenticateDirectoryToken(
  db: Db,
  directoryId: string,
  token: string | null,
  now = new Date(),
): Promise<Directory | null> {
  if (!token || !token.startsWith(SCIM_TOKEN_PREFIX) || token.length > 200) return null;
  const [row] = await db
    .select({ directory: directories, tokenId: directoryTokens.id, lastUsedAt: directoryTokens.lastUsedAt })
    .from(directoryTokens)
    .innerJoin(directories, eq(directories.id, directoryTokens.directoryId))
    .where(
      and(
        eq(directoryTokens.tokenHash, hashScimToken(token)),
        eq(directoryTokens.directoryId, directoryId),
        or(isNull(directoryTokens.expiresAt), gt(directoryTokens.expiresAt, now)),
      ),
    );
  if (!row) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    await db.update(directoryTokens).set({ lastUsedAt: now }).where(eq(directoryTokens.id, row.tokenId));
  }
  return row.directory;
}

/** The directory row for the request log of a request that failed authentication (no tenancy: by id only). */
export async function findDirectoryForLog(db: Db, directoryId: string): Promise<Directory | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(directoryId)) return undefined;
  const [row] = await db.select().from(directories).where(eq(directories.id, directoryId));
  return row;
}

// ── counts, synced users and groups (console, REST) ─────────────────────────

export async function directoryCounts(db: Db, directoryId: string): Promise<{ users: number; activeUsers: number; groups: number }> {
  const [u] = await db
    .select({ n: count(), active: sql<number>`count(*) filter (where ${directoryUsers.active})::int` })
    .from(directoryUsers)
    .where(eq(directoryUsers.directoryId, directoryId));
  const [g] = await db.select({ n: count() }).from(directoryGroups).where(eq(directoryGroups.directoryId, directoryId));
  return { users: Number(u?.n ?? 0), activeUsers: Number(u?.active ?? 0), groups: Number(g?.n ?? 0) };
}

export type SyncedUser = {
  id: string;
  userName: string;
  email: string;
  displayName: string | null;
  externalId: string | null;
  active: boolean;
  membershipId: string | null;
  role: string | null;
  disabled: boolean | null;
  updatedAt: Date;
};

export async function listSyncedUsers(
  db: Db,
  workspaceId: string,
  directoryId: string,
  opts: { limit?: number; offset?: number } = {},
): Promise<SyncedUser[]> {
  await getDirectoryOrThrow(db, workspaceId, directoryId);
  return db
    .select({
      id: directoryUsers.id,
      userName: directoryUsers.userName,
      email: directoryUsers.email,
      displayName: directoryUsers.displayName,
      externalId: directoryUsers.externalId,
      active: directoryUsers.active,
      membershipId: memberships.id,
      role: memberships.role,
      disabled: memberships.disabled,
      updatedAt: directoryUsers.updatedAt,
    })
    .from(directoryUsers)
    .leftJoin(memberships, and(eq(memberships.userId, directoryUsers.userId), eq(memberships.workspaceId, directoryUsers.workspaceId)))
    .where(eq(directoryUsers.directoryId, directoryId))
    .orderBy(sql`lower(${directoryUsers.userName})`)
    .limit(Math.min(opts.limit ?? 200, 500))
    .offset(opts.offset ?? 0);
}

export type SyncedGroup = {
  id: string;
  displayName: string;
  externalId: string | null;
  role: MappableRole | null;
  members: number;
  updatedAt: Date;
};

export async function listSyncedGroups(db: Db, workspaceId: string, directoryId: string): Promise<SyncedGroup[]> {
  await getDirectoryOrThrow(db, workspaceId, directoryId);
  const rows = await db
    .select({
      id: directoryGroups.id,
      displayName: directoryGroups.displayName,
      externalId: directoryGroups.externalId,
      role: directoryGroups.role,
      members: sql<number>`(select count(*)::int from ${directoryGroupMembers} m where m.group_id = ${directoryGroups.id})`,
      updatedAt: directoryGroups.updatedAt,
    })
    .from(directoryGroups)
    .where(eq(directoryGroups.directoryId, directoryId))
    .orderBy(sql`lower(${directoryGroups.displayName})`);
  return rows.map((r) => ({ ...r, role: r.role as MappableRole | null, members: Number(r.members) }));
}

/** Map a group to a role (null: none). Its members' roles, and access by group, are re-applied at once. */
export async function setDirectoryGroupRole(
  db: Db,
  workspaceId: string,
  directoryId: string,
  groupId: string,
  role: MappableRole | null,
  actor: AuditActor,
  now = new Date(),
): Promise<void> {
  if (!/^[0-9a-f-]{36}$/i.test(groupId)) throw new AppError("NOT_FOUND");
  await db.transaction(async (tx) => {
    const d = await getDirectoryOrThrow(tx, workspaceId, directoryId, { forUpdate: true });
    const [g] = await tx
      .select()
      .from(directoryGroups)
      .where(and(eq(directoryGroups.id, groupId), eq(directoryGroups.directoryId, d.id)))
      .for("update");
    if (!g) throw new AppError("NOT_FOUND");
    if (g.role === role) return;
    await tx.update(directoryGroups).set({ role, updatedAt: now }).where(eq(directoryGroups.id, g.id));
    await recordAudit(tx, workspaceId, actor, {
      action: "directory.group_role_mapped",
      targetType: "directory_group",
      targetId: g.id,
      before: { group: g.displayName, role: g.role },
      after: { group: g.displayName, role },
    });
    await emitEvent(tx, {
      workspaceId,
      type: "group.updated",
      data: { organization_id: workspaceId, directory_id: d.id, group_id: g.id, name: g.displayName, external_id: g.externalId, role },
      at: now,
    });
    await resyncDirectoryAccess(tx, d, { now, ip: actor.ip ?? null });
  });
  nudgeJob(WEBHOOK_DELIVERY_JOB);
}

// ── request log ──────────────────────────────────────────────────────────────

export type ScimRequestLogInput = {
  directoryId: string;
  method: string;
  path: string;
  status: number;
  scimType?: string | null;
  error?: string | null;
  durationMs: number;
  requestBody?: unknown;
  at: Date;
};

export async function recordScimRequest(db: Db, r: ScimRequestLogInput): Promise<void> {
  await db.insert(scimRequests).values({
    directoryId: r.directoryId,
    method: r.method,
    path: r.path.slice(0, 1000),
    status: r.status,
    scimType: r.scimType ?? null,
    error: r.error ? r.error.slice(0, 1000) : null,
    durationMs: r.durationMs,
    requestBody: r.requestBody ?? null,
    createdAt: r.at,
  });
  await db.update(directories).set({ lastRequestAt: r.at }).where(eq(directories.id, r.directoryId));
}

export async function listScimRequests(
  db: Db,
  workspaceId: string,
  directoryId: string,
  opts: { limit?: number; before?: Date; errorsOnly?: boolean } = {},
) {
  await getDirectoryOrThrow(db, workspaceId, directoryId);
  return db
    .select()
    .from(scimRequests)
    .where(
      and(
        eq(scimRequests.directoryId, directoryId),
        opts.before ? lt(scimRequests.createdAt, opts.before) : undefined,
        opts.errorsOnly ? sql`${scimRequests.status} >= 400` : undefined,
      ),
    )
    .orderBy(desc(scimRequests.createdAt))
    .limit(Math.min(opts.limit ?? 100, 500));
}

/** The retention job: request log entries older than 30 days go. */
export async function purgeScimRequests(db: Db, now: Date): Promise<{ purged: number }> {
  const cutoff = new Date(now.getTime() - SCIM_REQUEST_RETENTION_DAYS * 86_400_000);
  const rows = await db.delete(scimRequests).where(lt(scimRequests.createdAt, cutoff)).returning({ id: scimRequests.id });
  return { purged: rows.length };
}
