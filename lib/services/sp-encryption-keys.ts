import { and, asc, eq, inArray, isNull, or } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, spEncryptionKeys, type SpEncryptionKey } from "@/db/schema";
import { openSecret, sealSecret } from "@/lib/crypto/secret-box";
import { AppError } from "@/lib/errors";
import { generateSpKeyPair } from "@/lib/saml";
import type { SpKeyAction } from "@/lib/schemas/connections";
import type { Actor } from "./actor";
import { recordAudit } from "./audit";
import { assertMayChangeTrust } from "./connection-trust";

/**
 * Per-connection SP encryption keys: what the IdP encrypts assertions to. Separate from the signing keys
 * (sp-keys.ts) and rotated the same way, one step at a time:
 * - stage: a next key is created and published beside the active one; both decrypt.
 * - activate: the next key becomes the active one (published alone); the previous key still decrypts
 *   (grace period) so assertions the IdP encrypted before it picked up the new certificate still work.
 * - retire: the previous key stops decrypting.
 */
const publicColumns = {
  id: spEncryptionKeys.id,
  state: spEncryptionKeys.state,
  certificatePem: spEncryptionKeys.certificatePem,
  notAfter: spEncryptionKeys.notAfter,
  createdAt: spEncryptionKeys.createdAt,
  activatedAt: spEncryptionKeys.activatedAt,
  retiredAt: spEncryptionKeys.retiredAt,
};
export type SpEncryptionKeyPublic = Pick<SpEncryptionKey, keyof typeof publicColumns>;

function newEncryptionKeyValues(connectionId: string, slug: string, state: "next" | "active", now: Date) {
  const pair = generateSpKeyPair({ commonName: `Gatehouse SP ${slug} encryption`, now });
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

/** Give the connection an active encryption key unless it has one (called when encryption is turned on). */
export async function ensureSpEncryptionKey(db: Db, connection: { id: string; slug: string }, now = new Date()): Promise<boolean> {
  const [existing] = await db
    .select({ id: spEncryptionKeys.id })
    .from(spEncryptionKeys)
    .where(and(eq(spEncryptionKeys.connectionId, connection.id), eq(spEncryptionKeys.state, "active")));
  if (existing) return false;
  const inserted = await db
    .insert(spEncryptionKeys)
    .values(newEncryptionKeyValues(connection.id, connection.slug, "active", now))
    .onConflictDoNothing()
    .returning({ id: spEncryptionKeys.id });
  return inserted.length > 0;
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

export async function listSpEncryptionKeys(db: Db, workspaceId: string, connectionId: string): Promise<SpEncryptionKeyPublic[]> {
  await connectionInWorkspace(db, workspaceId, connectionId);
  return db
    .select(publicColumns)
    .from(spEncryptionKeys)
    .where(eq(spEncryptionKeys.connectionId, connectionId))
    .orderBy(asc(spEncryptionKeys.createdAt));
}

/** Certificates the SP metadata publishes with use="encryption": the active one first, then a staged one. */
export async function listPublishedEncryptionCertificates(db: Db, connectionId: string): Promise<string[]> {
  const rows = await db
    .select({ state: spEncryptionKeys.state, certificatePem: spEncryptionKeys.certificatePem })
    .from(spEncryptionKeys)
    .where(and(eq(spEncryptionKeys.connectionId, connectionId), inArray(spEncryptionKeys.state, ["active", "next"])));
  return rows.sort((a, b) => (a.state === "active" ? -1 : b.state === "active" ? 1 : 0)).map((r) => r.certificatePem);
}

/** Private keys that may decrypt an assertion now: active, staged, and the previous key in its grace period. */
export async function getDecryptionKeys(db: Db, connectionId: string): Promise<string[]> {
  const rows = await db
    .select({ state: spEncryptionKeys.state, privateKeyEncrypted: spEncryptionKeys.privateKeyEncrypted })
    .from(spEncryptionKeys)
    .where(
      and(
        eq(spEncryptionKeys.connectionId, connectionId),
        or(
          inArray(spEncryptionKeys.state, ["active", "next"]),
          and(eq(spEncryptionKeys.state, "retired"), isNull(spEncryptionKeys.retiredAt)),
        ),
      ),
    );
  const order = { active: 0, next: 1, retired: 2 } as const;
  return rows.sort((a, b) => order[a.state] - order[b.state]).map((r) => openSecret(r.privateKeyEncrypted));
}

/** One rotation step. Which keys the IdP may encrypt to is IdP trust: owners (and the operator) only. */
export async function rotateSpEncryptionKey(
  db: Db,
  workspaceId: string,
  connectionId: string,
  action: SpKeyAction,
  actor: Actor,
  now = new Date(),
): Promise<SpEncryptionKeyPublic[]> {
  assertMayChangeTrust(actor, "the connection's encryption keys");
  const c = await connectionInWorkspace(db, workspaceId, connectionId);
  await db.transaction(async (tx) => {
    await tx.select({ id: connections.id }).from(connections).where(eq(connections.id, c.id)).for("update");
    const keys = await tx.select(publicColumns).from(spEncryptionKeys).where(eq(spEncryptionKeys.connectionId, c.id));
    const next = keys.find((k) => k.state === "next");
    const active = keys.find((k) => k.state === "active");
    const audit = (suffix: string, detail: { before?: Record<string, unknown>; after: Record<string, unknown> }) =>
      recordAudit(tx, workspaceId, actor, {
        action: `connection.sp_encryption_key_${suffix}`,
        targetType: "connection",
        targetId: c.id,
        before: detail.before ?? null,
        after: detail.after,
      });
    if (action === "stage") {
      if (!active)
        throw new AppError("CONFLICT", {
          message: "This connection has no encryption key yet.",
          hint: "Turn on “Encrypted assertions” first: that creates the first key.",
        });
      if (next)
        throw new AppError("CONFLICT", {
          message: "A next encryption key is already staged.",
          hint: "Activate it once the IdP has the new certificate: only one key can be staged at a time.",
        });
      const [k] = await tx
        .insert(spEncryptionKeys)
        .values(newEncryptionKeyValues(c.id, c.slug, "next", now))
        .returning(publicColumns);
      await audit("staged", { after: { keyId: k!.id } });
    } else if (action === "activate") {
      if (!next)
        throw new AppError("CONFLICT", {
          message: "There is no staged encryption key to activate.",
          hint: "Stage a next key first, and give its certificate to the IdP.",
        });
      // An earlier key still in its grace period stops decrypting now; the outgoing active key gets one.
      await tx
        .update(spEncryptionKeys)
        .set({ retiredAt: now })
        .where(and(eq(spEncryptionKeys.connectionId, c.id), eq(spEncryptionKeys.state, "retired"), isNull(spEncryptionKeys.retiredAt)));
      if (active) await tx.update(spEncryptionKeys).set({ state: "retired" }).where(eq(spEncryptionKeys.id, active.id));
      await tx.update(spEncryptionKeys).set({ state: "active", activatedAt: now }).where(eq(spEncryptionKeys.id, next.id));
      await audit("activated", { before: { keyId: active?.id ?? null }, after: { keyId: next.id } });
    } else {
      const grace = keys.filter((k) => k.state === "retired" && !k.retiredAt);
      if (!grace.length)
        throw new AppError("CONFLICT", {
          message: "There is no previous encryption key to retire.",
          hint: "Retire follows Activate: it stops the previous key from decrypting.",
        });
      await tx
        .update(spEncryptionKeys)
        .set({ retiredAt: now })
        .where(
          inArray(
            spEncryptionKeys.id,
            grace.map((k) => k.id),
          ),
        );
      await audit("retired", { after: { keyIds: grace.map((k) => k.id) } });
    }
  });
  return listSpEncryptionKeys(db, workspaceId, connectionId);
}
