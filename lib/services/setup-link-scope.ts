import { and, asc, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, directories, setupLinkResources, type Connection, type Directory } from "@/db/schema";
import { hasRole, type MappableRole } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import {
  connectionCreateSchema,
  connectionUpdateSchema,
  type ConnectionCreateInput,
  type ConnectionUpdateInput,
} from "@/lib/schemas/connections";
import { directoryCreateSchema, type DirectoryCreateInput } from "@/lib/schemas/directories";
import type { SetupLinkPurpose } from "@/lib/schemas/setup-links";
import { setupLinkActor } from "./actor";
import { createConnection, updateConnection } from "./connections";
import { createDirectory, getDirectoryOrThrow, rotateDirectoryToken } from "./directories";
import { addDomain, listDomains, verifyDomain, type DomainView } from "./domains";
import type { ResolvedSetupLink } from "./setup-links";

/**
 * What the holder of a setup link (the customer's IT admin) may do: its one purpose, in its one
 * workspace, on what it made itself. Never members, API keys, enforcement, role mappings, domain
 * routing, another workspace, or a role above the workspace default.
 *
 * A connection made through a link:
 * - is created inactive: test sign-ins work (they create no session and provision nobody), real
 *   sign-ins wait until an owner reviews and activates it;
 * - has unapproved trust (trustApprovedVia null, see connection-trust.ts), so even once active, no
 *   owner/admin account is reachable and no admin role is granted through it until an owner approves;
 * - trusts nothing beyond its IdP: no account linking, no IdP-initiated sign-in, no SHA-1, and a
 *   default role of at most `SETUP_LINK_MAX_ROLE`.
 */
export const SETUP_LINK_MAX_ROLE: MappableRole = "viewer";

function outOfScope(detail: Record<string, unknown>, fields?: { path: string; message: string }[]): AppError {
  return new AppError("SETUP_LINK_OUT_OF_SCOPE", { detail, fields });
}

export function assertPurpose(r: ResolvedSetupLink, purpose: SetupLinkPurpose): void {
  if (r.link.purpose !== purpose) throw outOfScope({ purpose: r.link.purpose, needed: purpose });
}

function assertRoleWithinDefault(role: MappableRole | undefined): void {
  if (role && hasRole(role, SETUP_LINK_MAX_ROLE) && role !== SETUP_LINK_MAX_ROLE) {
    throw outOfScope({ role, max: SETUP_LINK_MAX_ROLE }, [
      { path: "defaultRole", message: `A setup link can give at most the ${SETUP_LINK_MAX_ROLE} role; an owner can raise it later.` },
    ]);
  }
}

const actorOf = (r: ResolvedSetupLink, ip: string | null) => setupLinkActor(r.link.id, ip);

async function ownResourceIds(db: Db, r: ResolvedSetupLink, type: "connection" | "directory"): Promise<string[]> {
  const rows = await db
    .select({ id: setupLinkResources.resourceId })
    .from(setupLinkResources)
    .where(and(eq(setupLinkResources.setupLinkId, r.link.id), eq(setupLinkResources.resourceType, type)));
  return rows.map((x) => x.id);
}

// ── sso ──────────────────────────────────────────────────────────────────────

export async function listSetupLinkConnections(db: Db, r: ResolvedSetupLink): Promise<Connection[]> {
  assertPurpose(r, "sso");
  const ids = await ownResourceIds(db, r, "connection");
  if (!ids.length) return [];
  return db
    .select()
    .from(connections)
    .where(and(eq(connections.workspaceId, r.workspace.id), inArray(connections.id, ids)))
    .orderBy(asc(connections.createdAt));
}

/** A connection this link made, in its workspace; anything else reads as not found. */
export async function getSetupLinkConnectionOrThrow(db: Db, r: ResolvedSetupLink, connectionId: string): Promise<Connection> {
  assertPurpose(r, "sso");
  if (!/^[0-9a-f-]{36}$/i.test(connectionId)) throw new AppError("NOT_FOUND");
  const [row] = await db
    .select({ c: connections })
    .from(connections)
    .innerJoin(
      setupLinkResources,
      and(
        eq(setupLinkResources.resourceId, connections.id),
        eq(setupLinkResources.resourceType, "connection"),
        eq(setupLinkResources.setupLinkId, r.link.id),
      ),
    )
    .where(and(eq(connections.id, connectionId), eq(connections.workspaceId, r.workspace.id)));
  if (!row) throw new AppError("NOT_FOUND");
  return row.c;
}

export async function createSetupLinkConnection(
  db: Db,
  r: ResolvedSetupLink,
  input: ConnectionCreateInput,
  ip: string | null = null,
): Promise<Connection> {
  assertPurpose(r, "sso");
  const data = connectionCreateSchema.parse(input);
  assertRoleWithinDefault(data.defaultRole);
  const c = await createConnection(
    db,
    r.workspace.id,
    {
      ...data,
      active: false,
      allowIdpInitiated: false,
      allowAccountLinking: false,
      allowSha1: false,
      applyMappingEveryLogin: false,
      requireVerifiedDomains: undefined,
      defaultRedirect: "/",
    },
    actorOf(r, ip),
  );
  await db.insert(setupLinkResources).values({ setupLinkId: r.link.id, resourceType: "connection", resourceId: c.id });
  return c;
}

/** What a link may change on its own connection: its name, its IdP (metadata), and the default role up to the cap. */
const EDITABLE = new Set(["version", "name", "defaultRole", "metadataUrl", "metadataXml", "manual"]);

export async function updateSetupLinkConnection(
  db: Db,
  r: ResolvedSetupLink,
  connectionId: string,
  patch: ConnectionUpdateInput,
  ip: string | null = null,
): Promise<Connection> {
  await getSetupLinkConnectionOrThrow(db, r, connectionId);
  const data = connectionUpdateSchema.parse(patch);
  const refused = Object.entries(data)
    .filter(([k, v]) => v !== undefined && !EDITABLE.has(k))
    .map(([k]) => k);
  if (refused.length) {
    throw outOfScope(
      { fields: refused },
      refused.map((path) => ({ path, message: "A workspace owner changes this after reviewing the connection." })),
    );
  }
  assertRoleWithinDefault(data.defaultRole);
  return updateConnection(db, r.workspace.id, connectionId, data, actorOf(r, ip));
}

// ── domains ──────────────────────────────────────────────────────────────────

export async function listSetupLinkDomains(db: Db, r: ResolvedSetupLink): Promise<DomainView[]> {
  assertPurpose(r, "domains");
  return listDomains(db, r.workspace.id);
}

export async function addSetupLinkDomain(db: Db, r: ResolvedSetupLink, domain: string, ip: string | null = null): Promise<DomainView> {
  assertPurpose(r, "domains");
  return addDomain(db, r.workspace.id, domain, actorOf(r, ip));
}

/** A DNS check of one of the workspace's claims: harmless, so any claim of this workspace may be checked. */
export async function verifySetupLinkDomain(db: Db, r: ResolvedSetupLink, domainId: string, ip: string | null = null): Promise<DomainView> {
  assertPurpose(r, "domains");
  return verifyDomain(db, r.workspace.id, domainId, actorOf(r, ip));
}

// ── directory ────────────────────────────────────────────────────────────────

export async function listSetupLinkDirectories(db: Db, r: ResolvedSetupLink): Promise<Directory[]> {
  assertPurpose(r, "directory");
  const ids = await ownResourceIds(db, r, "directory");
  if (!ids.length) return [];
  return db
    .select()
    .from(directories)
    .where(and(eq(directories.workspaceId, r.workspace.id), inArray(directories.id, ids)))
    .orderBy(asc(directories.createdAt));
}

export async function createSetupLinkDirectory(
  db: Db,
  r: ResolvedSetupLink,
  input: DirectoryCreateInput,
  ip: string | null = null,
): Promise<{ directory: Directory; token: string }> {
  assertPurpose(r, "directory");
  const data = directoryCreateSchema.parse(input);
  assertRoleWithinDefault(data.defaultRole);
  const created = await createDirectory(db, r.workspace.id, { ...data, connectionId: null }, actorOf(r, ip));
  await db.insert(setupLinkResources).values({ setupLinkId: r.link.id, resourceType: "directory", resourceId: created.directory.id });
  return created;
}

export async function rotateSetupLinkDirectoryToken(
  db: Db,
  r: ResolvedSetupLink,
  directoryId: string,
  ip: string | null = null,
): Promise<{ token: string }> {
  assertPurpose(r, "directory");
  const own = await ownResourceIds(db, r, "directory");
  if (!own.includes(directoryId)) throw new AppError("NOT_FOUND");
  await getDirectoryOrThrow(db, r.workspace.id, directoryId);
  const { token } = await rotateDirectoryToken(db, r.workspace.id, directoryId, { overlapMinutes: 0 }, actorOf(r, ip));
  return { token };
}
