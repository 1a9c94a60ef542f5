import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, spKeys, workspaces, type Connection, type Workspace } from "@/db/schema";
import { AppError, isUniqueViolation } from "@/lib/errors";
import { connectionSlugSchema, type ConnectionCreateData, type ConnectionUpdateData, type MetadataInput } from "@/lib/schemas/connections";
import { emitEvent, WEBHOOK_DELIVERY_JOB } from "@/lib/webhooks/emit";
import type { Actor } from "./actor";
import { recordAudit, type AuditActor } from "./audit";
import { assertMayChangeTrust, changedTrustFields, recordTrustChange, trustApprovalColumns, trustView } from "./connection-trust";
import { nudgeJob } from "./jobs";
import { fetchAndStoreMetadata, idpColumns, previewIdpMetadata } from "./idp-metadata";
import { newSpKeyValues } from "./sp-keys";
import { ensureSpEncryptionKey } from "./sp-encryption-keys";

export type { Connection };
export { previewIdpMetadata };

/** Fields that audit entries show (no certificates bodies, no XML). */
function auditView(c: Connection): Record<string, unknown> {
  return {
    name: c.name,
    slug: c.slug,
    active: c.active,
    defaultRole: c.defaultRole,
    idpEntityId: c.idpEntityId,
    idpSsoUrlRedirect: c.idpSsoUrlRedirect,
    idpSsoUrlPost: c.idpSsoUrlPost,
    metadataSource: c.metadataSource,
    metadataUrl: c.metadataUrl,
    certificates: c.idpCertificates.map((x) => ({ subject: x.subject, notAfter: x.notAfter, fingerprintSha256: x.fingerprintSha256 })),
    allowIdpInitiated: c.allowIdpInitiated,
    defaultRedirect: c.defaultRedirect,
    jitProvisioning: c.jitProvisioning,
    allowAccountLinking: c.allowAccountLinking,
    requireVerifiedDomains: c.requireVerifiedDomains,
    allowSha1: c.allowSha1,
    requireEncryptedAssertions: c.requireEncryptedAssertions,
    clockSkewSeconds: c.clockSkewSeconds,
    version: c.version,
  };
}

function metadataInputOf(data: {
  metadataUrl?: string;
  metadataXml?: string;
  manual?: { entityId: string; ssoUrl: string; certificatePem: string };
}): MetadataInput | null {
  const given = (["metadataUrl", "metadataXml", "manual"] as const).filter((k) => data[k] !== undefined);
  if (given.length > 1) {
    throw new AppError("VALIDATION_FAILED", {
      message: "Give the IdP details one way: metadata URL, metadata XML, or manual entry.",
      fields: given.map((path) => ({ path, message: "Give only one of: metadata URL, metadata XML, manual entry" })),
    });
  }
  if (data.metadataUrl !== undefined) return { metadataUrl: data.metadataUrl };
  if (data.metadataXml !== undefined) return { metadataXml: data.metadataXml };
  if (data.manual !== undefined) return { manual: data.manual };
  return null;
}

export async function isSlugAvailable(db: Db, slug: string): Promise<boolean> {
  const parsed = connectionSlugSchema.safeParse(slug);
  if (!parsed.success) return false;
  const [row] = await db.select({ id: connections.id }).from(connections).where(eq(connections.slug, parsed.data));
  return !row;
}

/**
 * Create a connection and its first (active) SP key. Metadata may follow later. `data` was parsed by
 * the caller (connectionCreateSchema). Owners only (and the operator): a new connection decides which
 * IdP may sign people in, so its creator approves its trust.
 */
export async function createConnection(
  db: Db,
  workspaceId: string,
  data: ConnectionCreateData,
  actor: Actor,
  now = new Date(),
): Promise<Connection> {
  assertMayChangeTrust(actor, "which identity provider a new connection trusts");
  const meta = metadataInputOf(data);
  const idp = meta ? await previewIdpMetadata(meta) : null;
  try {
    return await db.transaction(async (tx) => {
      const [c] = await tx
        .insert(connections)
        .values({
          workspaceId,
          name: data.name,
          slug: data.slug,
          idpType: data.idpType,
          active: data.active,
          defaultRole: data.defaultRole,
          allowIdpInitiated: data.allowIdpInitiated,
          defaultRedirect: data.defaultRedirect,
          jitProvisioning: data.jitProvisioning,
          allowAccountLinking: data.allowAccountLinking,
          requireVerifiedDomains: data.requireVerifiedDomains ?? null,
          applyMappingEveryLogin: data.applyMappingEveryLogin,
          syncProfileEveryLogin: data.syncProfileEveryLogin,
          allowSha1: data.allowSha1,
          clockSkewSeconds: data.clockSkewSeconds ?? null,
          requireEncryptedAssertions: data.requireEncryptedAssertions,
          ...(idp ? idpColumns(idp, now) : {}),
          ...trustApprovalColumns(actor, now),
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      await tx.insert(spKeys).values(newSpKeyValues(c!.id, c!.slug, "active", now));
      if (c!.requireEncryptedAssertions) await ensureSpEncryptionKey(tx, c!, now);
      await recordAudit(tx, workspaceId, actor, {
        action: "connection.created",
        targetType: "connection",
        targetId: c!.id,
        after: auditView(c!),
      });
      await recordTrustChange(tx, workspaceId, actor, c!.id, { before: null, after: trustView(c!), fields: Object.keys(trustView(c!)) });
      return c!;
    });
  } catch (e) {
    if (isUniqueViolation(e, "connections_slug_key")) {
      throw new AppError("SLUG_TAKEN", { fields: [{ path: "slug", message: "Already taken" }], detail: { slug: data.slug } });
    }
    throw nameTaken(e) ?? e;
  }
}

/** The unique index on (workspace, lower(name)) refused the write: a stable code and an inline error on the name. */
function nameTaken(e: unknown): AppError | null {
  if (!isUniqueViolation(e, "connections_workspace_name_key")) return null;
  return new AppError("CONNECTION_NAME_TAKEN", {
    fields: [{ path: "name", message: "Another connection of this workspace has this name: people could not tell them apart" }],
  });
}

export async function listConnections(db: Db, workspaceId: string): Promise<Connection[]> {
  return db
    .select()
    .from(connections)
    .where(eq(connections.workspaceId, workspaceId))
    .orderBy(asc(connections.name), asc(connections.createdAt));
}

export async function getConnectionOrThrow(db: Db, workspaceId: string, id: string): Promise<Connection> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppError("NOT_FOUND");
  const [row] = await db
    .select()
    .from(connections)
    .where(and(eq(connections.id, id), eq(connections.workspaceId, workspaceId)));
  if (!row) throw new AppError("NOT_FOUND");
  return row;
}

export type ConnectionWithWorkspace = { connection: Connection; workspace: Workspace };

/** A string that can be a connection slug (anything else names no connection, and is not looked up). */
export function isConnectionSlug(slug: unknown): slug is string {
  return typeof slug === "string" && slug.length <= 63 && /^[a-z0-9-]+$/.test(slug);
}

/** The public SP endpoints pick the connection by slug (never by the unsigned Issuer). */
export async function findConnectionBySlug(db: Db, slug: string): Promise<ConnectionWithWorkspace | undefined> {
  if (!isConnectionSlug(slug)) return undefined;
  const [row] = await db
    .select({ connection: connections, workspace: workspaces })
    .from(connections)
    .innerJoin(workspaces, eq(workspaces.id, connections.workspaceId))
    .where(eq(connections.slug, slug));
  return row;
}

/**
 * Apply a patch made against `version` (parsed by the caller: connectionUpdateSchema); a newer row →
 * VERSION_CONFLICT. A patch that changes the connection's trust (see connection-trust.ts) needs an
 * owner and records the approval; other settings (name, active, IdP-initiated, redirect, JIT,
 * profile sync, clock skew) need an admin.
 */
export async function updateConnection(
  db: Db,
  workspaceId: string,
  id: string,
  data: ConnectionUpdateData,
  actor: Actor,
  now = new Date(),
): Promise<Connection> {
  const before = await getConnectionOrThrow(db, workspaceId, id);
  if (before.version !== data.version) {
    throw new AppError("VERSION_CONFLICT", { detail: { expectedVersion: data.version, currentVersion: before.version } });
  }
  const meta = metadataInputOf(data);
  const idp = meta ? await previewIdpMetadata(meta) : null;
  const { version, metadataUrl: _u, metadataXml: _x, manual: _m, ...settings } = data;
  // Fields the patch leaves out are undefined: they change nothing.
  const defined = (o: object) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  // An SLO URL given in the patch wins over the one in new metadata.
  const changes = { ...defined(idp ? idpColumns(idp, now) : {}), ...defined(settings) } as Partial<Connection>;
  const trustFields = changedTrustFields(before, { ...before, ...changes });
  if (trustFields.length) assertMayChangeTrust(actor);
  const updated = await db
    .transaction(async (tx) => {
      const [row] = await tx
        .update(connections)
        .set({
          ...changes,
          ...(trustFields.length ? trustApprovalColumns(actor, now) : {}),
          version: sql`${connections.version} + 1`,
          updatedAt: now,
        })
        .where(and(eq(connections.id, id), eq(connections.workspaceId, workspaceId), eq(connections.version, version)))
        .returning();
      if (!row) {
        const current = await getConnectionOrThrow(tx, workspaceId, id);
        throw new AppError("VERSION_CONFLICT", { detail: { expectedVersion: version, currentVersion: current.version } });
      }
      await recordAudit(tx, workspaceId, actor, {
        action: "connection.updated",
        targetType: "connection",
        targetId: id,
        before: auditView(before),
        after: auditView(row),
      });
      if (trustFields.length) {
        await recordTrustChange(tx, workspaceId, actor, id, { before: trustView(before), after: trustView(row), fields: trustFields });
      }
      if (row.requireEncryptedAssertions) await ensureSpEncryptionKey(tx, row, now);
      if (before.active !== row.active) {
        await emitEvent(tx, {
          workspaceId,
          type: row.active ? "connection.activated" : "connection.deactivated",
          data: { organization_id: workspaceId, connection_id: row.id, name: row.name, slug: row.slug },
          at: now,
        });
      }
      return row;
    })
    .catch((e: unknown) => {
      throw nameTaken(e) ?? e;
    });
  if (before.active !== updated.active) nudgeJob(WEBHOOK_DELIVERY_JOB);
  return updated;
}

export async function deleteConnection(db: Db, workspaceId: string, id: string, actor: AuditActor): Promise<void> {
  const before = await getConnectionOrThrow(db, workspaceId, id);
  await db.delete(connections).where(and(eq(connections.id, id), eq(connections.workspaceId, workspaceId)));
  await recordAudit(db, workspaceId, actor, {
    action: "connection.deleted",
    targetType: "connection",
    targetId: id,
    before: auditView(before),
  });
}

/** "Refresh now": fetch the metadata URL; on failure the last good metadata stays and the error is recorded. */
export async function refreshConnectionMetadata(
  db: Db,
  workspaceId: string,
  id: string,
  actor?: AuditActor,
  now = new Date(),
): Promise<Connection> {
  const before = await getConnectionOrThrow(db, workspaceId, id);
  if (before.metadataSource !== "url") {
    throw new AppError("CONFLICT", {
      message: "This connection's metadata was not given by URL.",
      hint: "Paste the new metadata XML (or certificate) on the connection page.",
    });
  }
  try {
    const row = await fetchAndStoreMetadata(db, before, now);
    if (actor)
      await recordAudit(db, workspaceId, actor, {
        action: "connection.metadata_refreshed",
        targetType: "connection",
        targetId: id,
        before: auditView(before),
        after: auditView(row),
      });
    return row;
  } catch (e) {
    if (actor)
      await recordAudit(db, workspaceId, actor, {
        action: "connection.metadata_refresh_failed",
        targetType: "connection",
        targetId: id,
        after: { error: (e as Error).message },
      });
    throw e;
  }
}
