import { and, asc, eq, inArray, isNull, or } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, spKeys, type SpKey } from "@/db/schema";
import { openSecret, sealSecret } from "@/lib/crypto/secret-box";
import { AppError } from "@/lib/errors";
import { generateSpKeyPair } from "@/lib/saml";
import type { SpKeyAction } from "@/lib/schemas/connections";
import { recordAudit, type AuditActor } from "./audit";

/**
 * Per-connection SP signing keys. States: next (staged, published) → active (signs AuthnRequests,
 * published) → retired. A retired key stays published while retiredAt is null (the grace period
 * after activation) and is dropped from metadata by the "retire" step.
 */
const publicColumns = {
  id: spKeys.id,
  state: spKeys.state,
  certificatePem: spKeys.certificatePem,
  notAfter: spKeys.notAfter,
  createdAt: spKeys.createdAt,
  activatedAt: spKeys.activatedAt,
  retiredAt: spKeys.retiredAt,
};
/** An SP key without its private key (the encrypted column is never read for display). */
export type SpKeyPublic = Pick<SpKey, keyof typeof publicColumns>;

export function newSpKeyValues(connectionId: string, slug: string, state: "next" | "active", now: Date) {
  const pair = generateSpKeyPair({ commonName: `Gatehouse SP ${slug}`, now });
  return {
    connectionId,
    state,
    privateKeyEncrypted: sealSecret(pair.privateKeyPem),
    certificatePem: pair.certificatePem,
    notAfter: pair.notAfter,
    createdAt: now,
    activatedAt: state === "active" ? now : null,
  };
}

async function connectionInWorkspace(db: Db, workspaceId: string, connectionId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(connectionId)) throw new AppError("NOT_FOUND");
  const [c] = await db
    .select({ id: connections.id, slug: connections.slug })
    .from(connections)
    .where(and(eq(connections.id, connectionId), eq(connections.workspaceId, workspaceId)));
  if (!c) throw new AppError("NOT_FOUND");
  return c;
}

export async function listSpKeys(db: Db, workspaceId: string, connectionId: string): Promise<SpKeyPublic[]> {
  await connectionInWorkspace(db, workspaceId, connectionId);
  return db.select(publicColumns).from(spKeys).where(eq(spKeys.connectionId, connectionId)).orderBy(asc(spKeys.createdAt));
}

/** Certificates the SP metadata publishes: active, next, and retired keys still in their grace period. */
export async function listPublishedSpCertificates(db: Db, connectionId: string): Promise<string[]> {
  const rows = await db
    .select({ state: spKeys.state, certificatePem: spKeys.certificatePem })
    .from(spKeys)
    .where(
      and(
        eq(spKeys.connectionId, connectionId),
        or(inArray(spKeys.state, ["active", "next"]), and(eq(spKeys.state, "retired"), isNull(spKeys.retiredAt))),
      ),
    );
  const order = { active: 0, next: 1, retired: 2 } as const;
  return rows.sort((a, b) => order[a.state] - order[b.state]).map((r) => r.certificatePem);
}

/** The active key, decrypted, for signing AuthnRequests. */
export async function getActiveSigningKey(db: Db, connectionId: string): Promise<{ privateKeyPem: string; certificatePem: string }> {
  const [row] = await db
    .select({ privateKeyEncrypted: spKeys.privateKeyEncrypted, certificatePem: spKeys.certificatePem })
    .from(spKeys)
    .where(and(eq(spKeys.connectionId, connectionId), eq(spKeys.state, "active")));
  if (!row) throw new AppError("INTERNAL", { message: "The connection has no active SP key." });
  return { privateKeyPem: openSecret(row.privateKeyEncrypted), certificatePem: row.certificatePem };
}

export async function rotateSpKey(
  db: Db,
  workspaceId: string,
  connectionId: string,
  action: SpKeyAction,
  actor: AuditActor,
  now = new Date(),
): Promise<SpKeyPublic[]> {
  const c = await connectionInWorkspace(db, workspaceId, connectionId);
  await db.transaction(async (tx) => {
    // Serialise rotations of one connection.
    await tx.select({ id: connections.id }).from(connections).where(eq(connections.id, c.id)).for("update");
    const keys = await tx.select(publicColumns).from(spKeys).where(eq(spKeys.connectionId, c.id));
    const next = keys.find((k) => k.state === "next");
    const active = keys.find((k) => k.state === "active");
    if (action === "stage") {
      if (next)
        throw new AppError("CONFLICT", {
          message: "A next key is already staged.",
          hint: "Activate it, or wait: only one key can be staged at a time.",
        });
      const [k] = await tx
        .insert(spKeys)
        .values(newSpKeyValues(c.id, c.slug, "next", now))
        .returning(publicColumns);
      await recordAudit(tx, workspaceId, actor, {
        action: "connection.sp_key_staged",
        targetType: "connection",
        targetId: c.id,
        after: { keyId: k!.id },
      });
    } else if (action === "activate") {
      if (!next)
        throw new AppError("CONFLICT", {
          message: "There is no staged key to activate.",
          hint: "Stage a next key first, and let the IdP pick it up from the metadata.",
        });
      // Earlier retired keys leave the metadata now; the outgoing active key keeps a grace period.
      await tx
        .update(spKeys)
        .set({ retiredAt: now })
        .where(and(eq(spKeys.connectionId, c.id), eq(spKeys.state, "retired"), isNull(spKeys.retiredAt)));
      if (active) await tx.update(spKeys).set({ state: "retired" }).where(eq(spKeys.id, active.id));
      await tx.update(spKeys).set({ state: "active", activatedAt: now }).where(eq(spKeys.id, next.id));
      await recordAudit(tx, workspaceId, actor, {
        action: "connection.sp_key_activated",
        targetType: "connection",
        targetId: c.id,
        before: { keyId: active?.id ?? null },
        after: { keyId: next.id },
      });
    } else {
      const grace = keys.filter((k) => k.state === "retired" && !k.retiredAt);
      if (!grace.length)
        throw new AppError("CONFLICT", {
          message: "There is no previous key to retire.",
          hint: "Retire follows Activate: it removes the previous key from the metadata.",
        });
      await tx
        .update(spKeys)
        .set({ retiredAt: now })
        .where(
          inArray(
            spKeys.id,
            grace.map((k) => k.id),
          ),
        );
      await recordAudit(tx, workspaceId, actor, {
        action: "connection.sp_key_retired",
        targetType: "connection",
        targetId: c.id,
        after: { keyIds: grace.map((k) => k.id) },
      });
    }
  });
  return listSpKeys(db, workspaceId, connectionId);
}
