import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, isNull, lt, or } from "drizzle-orm";
import type { Db } from "@/db";
import { apiKeys, memberships, users, workspaces } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { hasRole, roleRank, type Role } from "@/lib/auth/roles";
import { apiKeyCreateSchema, type ApiKeyCreateInput, type ApiKeyScope } from "@/lib/schemas/api-keys";
import type { Actor } from "./actor";
import { recordAudit, type AuditActor } from "./audit";
import type { Workspace } from "./workspaces";

/** Every key starts with this; the rest is 32 random bytes, base64url (43 characters). */
export const API_KEY_PREFIX = "gh_live_";
const KEY_BYTES = 32;
/** Characters of the key shown in lists: "gh_live_" + 6 characters of the random part. */
const DISPLAY_PREFIX_LENGTH = API_KEY_PREFIX.length + 6;
/** last_used_at is written at most this often per key (one cheap UPDATE, never on every request). */
const LAST_USED_RESOLUTION_MS = 60_000;

export type ApiKeyRow = typeof apiKeys.$inferSelect;

/** What lists and responses may show about a key: never its hash or the key itself. */
export type ApiKeySummary = {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  createdBy: { id: string; email: string } | null;
  /** The most the key may do (its creator's role when it was made). */
  role: Role;
  scope: ApiKeyScope;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** Cheap shape check before touching the database. */
export function looksLikeApiKey(key: string): boolean {
  return key.startsWith(API_KEY_PREFIX) && /^[A-Za-z0-9_-]{43,128}$/.test(key.slice(API_KEY_PREFIX.length));
}

/**
 * The role a new key gets: a member's key carries their role (or a lower one they ask for), never
 * more; the operator's keys are admin unless asked for owner. Admins and owners make keys.
 */
function newKeyRole(actor: Actor, requested: Role | undefined): Role {
  if (actor.via === "operator") return requested ?? "admin";
  if (actor.via !== "member" || !hasRole(actor.role, "admin")) {
    throw new AppError("FORBIDDEN", { hint: "Only owners and admins create API keys, in the console or with the operator CLI." });
  }
  if (requested && roleRank(requested) > roleRank(actor.role)) {
    throw new AppError("FORBIDDEN", {
      hint: `A key can do at most what its creator can: your role is ${actor.role}.`,
      detail: { requestedRole: requested, role: actor.role },
    });
  }
  return requested ?? actor.role;
}

/**
 * Create a key for the workspace. The returned `secret` is the only time the key exists in clear:
 * only its SHA-256 is stored (256 bits of entropy: a slow hash adds nothing). The key records its
 * role (see newKeyRole) and scope; each request acts with min(key role, creator's current role).
 */
export async function createApiKey(
  db: Db,
  workspaceId: string,
  input: ApiKeyCreateInput,
  actor: Actor,
): Promise<{ apiKey: ApiKeySummary; secret: string }> {
  const data = apiKeyCreateSchema.parse(input);
  const role = newKeyRole(actor, data.role);
  const secret = API_KEY_PREFIX + randomBytes(KEY_BYTES).toString("base64url");
  const [row] = await db
    .insert(apiKeys)
    .values({
      workspaceId,
      name: data.name,
      prefix: secret.slice(0, DISPLAY_PREFIX_LENGTH),
      keyHash: hashApiKey(secret),
      createdBy: actor.via === "member" ? (actor.userId ?? null) : null,
      role,
      scope: data.scope,
    })
    .returning();
  await recordAudit(db, workspaceId, actor, {
    action: "api_key.created",
    targetType: "api_key",
    targetId: row!.id,
    after: { name: row!.name, prefix: row!.prefix, role, scope: data.scope },
  });
  const [summary] = await listApiKeys(db, workspaceId, { id: row!.id });
  return { apiKey: summary!, secret };
}

/** Keys of the workspace, newest first, revoked ones included (they show as revoked). */
export async function listApiKeys(db: Db, workspaceId: string, opts: { id?: string } = {}): Promise<ApiKeySummary[]> {
  const rows = await db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      createdAt: apiKeys.createdAt,
      role: apiKeys.role,
      scope: apiKeys.scope,
      lastUsedAt: apiKeys.lastUsedAt,
      revokedAt: apiKeys.revokedAt,
      creatorId: users.id,
      creatorEmail: users.email,
    })
    .from(apiKeys)
    .leftJoin(users, eq(users.id, apiKeys.createdBy))
    .where(and(eq(apiKeys.workspaceId, workspaceId), opts.id ? eq(apiKeys.id, opts.id) : undefined))
    .orderBy(desc(apiKeys.createdAt));
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    createdAt: r.createdAt,
    createdBy: r.creatorId && r.creatorEmail ? { id: r.creatorId, email: r.creatorEmail } : null,
    role: r.role,
    scope: r.scope,
    lastUsedAt: r.lastUsedAt,
    revokedAt: r.revokedAt,
  }));
}

/** Revoke at once: the next request with the key fails. Revoking twice is a no-op. */
export async function revokeApiKey(db: Db, workspaceId: string, id: string, actor: AuditActor): Promise<ApiKeySummary> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppError("NOT_FOUND");
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.id, id), eq(apiKeys.workspaceId, workspaceId), isNull(apiKeys.revokedAt)))
    .returning();
  if (row) {
    await recordAudit(db, workspaceId, actor, {
      action: "api_key.revoked",
      targetType: "api_key",
      targetId: row.id,
      before: { name: row.name, prefix: row.prefix },
    });
  }
  const [summary] = await listApiKeys(db, workspaceId, { id });
  if (!summary) throw new AppError("NOT_FOUND");
  return summary;
}

export type AuthenticatedApiKey = {
  apiKey: {
    id: string;
    name: string;
    workspaceId: string;
    /** What this request may do: min(the key's role, its creator's current role); the key's role for operator keys. */
    role: Role;
    scope: ApiKeyScope;
    /** The member behind the key (null: an operator key). */
    createdBy: string | null;
  };
  workspace: Workspace;
};

function lowerRole(a: Role, b: Role): Role {
  return roleRank(a) <= roleRank(b) ? a : b;
}

/**
 * The live key and its workspace for a presented secret, or INVALID_API_KEY (missing, unknown,
 * revoked, and keys whose creator is no longer an active, enabled member of the workspace all look
 * the same). The key acts with min(its role, the creator's current role), so demoting the creator
 * limits their keys at once. Records last use at most once a minute.
 */
export async function authenticateApiKey(db: Db, presented: string | null | undefined, now = new Date()): Promise<AuthenticatedApiKey> {
  if (!presented || !looksLikeApiKey(presented)) throw new AppError("INVALID_API_KEY");
  const [row] = await db
    .select({
      key: apiKeys,
      workspace: workspaces,
      creatorRole: memberships.role,
      creatorStatus: memberships.status,
      creatorMembershipDisabled: memberships.disabled,
      creatorDisabled: users.disabled,
    })
    .from(apiKeys)
    .innerJoin(workspaces, eq(workspaces.id, apiKeys.workspaceId))
    .leftJoin(memberships, and(eq(memberships.workspaceId, apiKeys.workspaceId), eq(memberships.userId, apiKeys.createdBy)))
    .leftJoin(users, eq(users.id, apiKeys.createdBy))
    .where(and(eq(apiKeys.keyHash, hashApiKey(presented)), isNull(apiKeys.revokedAt)));
  if (!row) throw new AppError("INVALID_API_KEY");
  let role: Role = row.key.role;
  if (row.key.createdBy) {
    const creatorActive =
      row.creatorRole && row.creatorStatus === "active" && !row.creatorMembershipDisabled && row.creatorDisabled === false;
    if (!creatorActive) throw new AppError("INVALID_API_KEY");
    role = lowerRole(role, row.creatorRole!);
  }
  const last = row.key.lastUsedAt?.getTime() ?? 0;
  if (now.getTime() - last >= LAST_USED_RESOLUTION_MS) {
    const cutoff = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
    await db
      .update(apiKeys)
      .set({ lastUsedAt: now })
      .where(and(eq(apiKeys.id, row.key.id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, cutoff))));
  }
  return {
    apiKey: {
      id: row.key.id,
      name: row.key.name,
      workspaceId: row.key.workspaceId,
      role,
      scope: row.key.scope,
      createdBy: row.key.createdBy,
    },
    workspace: row.workspace,
  };
}
