import { createHash, randomBytes } from "node:crypto";
import { and, asc, eq, isNull, lt, or } from "drizzle-orm";
import type { Db } from "@/db";
import { operatorKeys, type OperatorKey } from "@/db/schema";
import { AppError } from "@/lib/errors";

/**
 * Operator API keys (instance level). The key exists in clear only in the return value of create;
 * 256 random bits, stored as SHA-256. Their prefix differs from workspace keys, and each table only
 * ever authenticates its own prefix.
 */
export const OPERATOR_KEY_PREFIX = "gh_op_";
const DISPLAY_PREFIX_LENGTH = OPERATOR_KEY_PREFIX.length + 6;
const LAST_USED_RESOLUTION_MS = 60_000;

export type OperatorKeySummary = Pick<OperatorKey, "id" | "name" | "prefix" | "createdAt" | "lastUsedAt" | "revokedAt">;

const hash = (key: string) => createHash("sha256").update(key, "utf8").digest("hex");

export function looksLikeOperatorKey(key: string | null | undefined): key is string {
  return !!key && key.startsWith(OPERATOR_KEY_PREFIX) && /^[A-Za-z0-9_-]{43,128}$/.test(key.slice(OPERATOR_KEY_PREFIX.length));
}

export function toOperatorKeyJson(k: OperatorKeySummary) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    created_at: k.createdAt.toISOString(),
    last_used_at: k.lastUsedAt?.toISOString() ?? null,
    revoked_at: k.revokedAt?.toISOString() ?? null,
  };
}

const summary = {
  id: operatorKeys.id,
  name: operatorKeys.name,
  prefix: operatorKeys.prefix,
  createdAt: operatorKeys.createdAt,
  lastUsedAt: operatorKeys.lastUsedAt,
  revokedAt: operatorKeys.revokedAt,
};

export async function createOperatorKey(db: Db, input: { name: string }): Promise<{ key: OperatorKeySummary; secret: string }> {
  const name = input.name.trim();
  if (!name || name.length > 100) {
    throw new AppError("VALIDATION_FAILED", {
      fields: [{ path: "name", message: "Give the key a name (at most 100 characters)" }],
    });
  }
  const secret = OPERATOR_KEY_PREFIX + randomBytes(32).toString("base64url");
  const [key] = await db
    .insert(operatorKeys)
    .values({ name, prefix: secret.slice(0, DISPLAY_PREFIX_LENGTH), keyHash: hash(secret) })
    .returning(summary);
  return { key: key!, secret };
}

export async function listOperatorKeys(db: Db): Promise<OperatorKeySummary[]> {
  return db.select(summary).from(operatorKeys).orderBy(asc(operatorKeys.createdAt));
}

export async function revokeOperatorKey(db: Db, id: string, now = new Date()): Promise<OperatorKeySummary> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppError("NOT_FOUND");
  const [row] = await db
    .update(operatorKeys)
    .set({ revokedAt: now })
    .where(and(eq(operatorKeys.id, id), isNull(operatorKeys.revokedAt)))
    .returning(summary);
  if (row) return row;
  const [existing] = await db.select(summary).from(operatorKeys).where(eq(operatorKeys.id, id));
  if (!existing) throw new AppError("NOT_FOUND");
  return existing;
}

/** The live operator key this bearer token is, or INVALID_API_KEY. */
export async function authenticateOperatorKey(db: Db, token: string | null, now = new Date()): Promise<OperatorKeySummary> {
  if (!looksLikeOperatorKey(token)) throw new AppError("INVALID_API_KEY");
  const [row] = await db
    .select(summary)
    .from(operatorKeys)
    .where(eq(operatorKeys.keyHash, hash(token)));
  if (!row || row.revokedAt) throw new AppError("INVALID_API_KEY");
  await db
    .update(operatorKeys)
    .set({ lastUsedAt: now })
    .where(
      and(
        eq(operatorKeys.id, row.id),
        or(isNull(operatorKeys.lastUsedAt), lt(operatorKeys.lastUsedAt, new Date(now.getTime() - LAST_USED_RESOLUTION_MS))),
      ),
    );
  return row;
}
