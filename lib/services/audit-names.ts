import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db";
import {
  apiKeys,
  connections,
  directories,
  directoryGroups,
  domains,
  invitations,
  memberships,
  users,
  webhookEndpoints,
  workspaces,
} from "@/db/schema";

/**
 * Names for audit targets (member email, domain, connection name, ...), looked up in batches and
 * always within the workspace, so an entry never names another tenant's object. The audit page and
 * CSV show the current name; the name stored when the entry was written is the fallback once the
 * object is gone.
 */

export type TargetRef = { type: string; id: string | null };
export const targetKey = (type: string, id: string) => `${type}:${id}`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Lookup = (db: Db, workspaceId: string, ids: string[]) => Promise<{ id: string; name: string }[]>;

const LOOKUPS: Record<string, Lookup> = {
  membership: (db, ws, ids) =>
    db
      .select({ id: memberships.id, name: users.email })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.workspaceId, ws), inArray(memberships.id, ids))),
  domain: (db, ws, ids) =>
    db
      .select({ id: domains.id, name: domains.domain })
      .from(domains)
      .where(and(eq(domains.workspaceId, ws), inArray(domains.id, ids))),
  connection: async (db, ws, ids) =>
    (
      await db
        .select({ id: connections.id, name: connections.name, slug: connections.slug })
        .from(connections)
        .where(and(eq(connections.workspaceId, ws), inArray(connections.id, ids)))
    ).map((c) => ({ id: c.id, name: `${c.name} (${c.slug})` })),
  api_key: (db, ws, ids) =>
    db
      .select({ id: apiKeys.id, name: apiKeys.name })
      .from(apiKeys)
      .where(and(eq(apiKeys.workspaceId, ws), inArray(apiKeys.id, ids))),
  invitation: (db, ws, ids) =>
    db
      .select({ id: invitations.id, name: invitations.email })
      .from(invitations)
      .where(and(eq(invitations.workspaceId, ws), inArray(invitations.id, ids))),
  webhook_endpoint: (db, ws, ids) =>
    db
      .select({ id: webhookEndpoints.id, name: webhookEndpoints.url })
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.workspaceId, ws), inArray(webhookEndpoints.id, ids))),
  directory: (db, ws, ids) =>
    db
      .select({ id: directories.id, name: directories.name })
      .from(directories)
      .where(and(eq(directories.workspaceId, ws), inArray(directories.id, ids))),
  directory_group: (db, ws, ids) =>
    db
      .select({ id: directoryGroups.id, name: directoryGroups.displayName })
      .from(directoryGroups)
      .innerJoin(directories, eq(directories.id, directoryGroups.directoryId))
      .where(and(eq(directories.workspaceId, ws), inArray(directoryGroups.id, ids))),
  workspace: (db, ws, ids) =>
    db
      .select({ id: workspaces.id, name: workspaces.name })
      .from(workspaces)
      .where(and(eq(workspaces.id, ws), inArray(workspaces.id, ids))),
  /** Users are global: only those with a membership here are named. */
  user: (db, ws, ids) =>
    db
      .select({ id: users.id, name: users.email })
      .from(users)
      .innerJoin(memberships, and(eq(memberships.userId, users.id), eq(memberships.workspaceId, ws)))
      .where(inArray(users.id, ids)),
};

/** Current names of the given targets, keyed by `targetKey(type, id)`. Unknown types and gone objects are absent. */
export async function resolveTargetNames(db: Db, workspaceId: string, refs: TargetRef[]): Promise<Map<string, string>> {
  const byType = new Map<string, Set<string>>();
  for (const r of refs) {
    if (!r.id || !UUID.test(r.id) || !LOOKUPS[r.type]) continue;
    (byType.get(r.type) ?? byType.set(r.type, new Set()).get(r.type)!).add(r.id);
  }
  const out = new Map<string, string>();
  for (const [type, ids] of byType) {
    for (const row of await LOOKUPS[type]!(db, workspaceId, [...ids])) out.set(targetKey(type, row.id), row.name);
  }
  return out;
}

/** Emails of users (for `userId` values inside before/after snapshots), members of the workspace or not. */
export async function resolveUserEmails(db: Db, userIds: string[]): Promise<Map<string, string>> {
  const ids = [...new Set(userIds.filter((id) => UUID.test(id)))];
  if (!ids.length) return new Map();
  const rows = await db.select({ id: users.id, email: users.email }).from(users).where(inArray(users.id, ids));
  return new Map(rows.map((r) => [r.id, r.email]));
}

/** A name carried by the entry's own snapshot (e.g. the domain of a removed domain). */
export function snapshotName(snap: Record<string, unknown> | null | undefined): string | null {
  if (!snap) return null;
  for (const key of ["email", "domain", "name", "url", "displayName"]) {
    const v = snap[key];
    if (typeof v === "string" && v) return v;
  }
  return null;
}
