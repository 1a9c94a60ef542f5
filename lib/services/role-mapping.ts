import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, roleMappings, type RoleMapping } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { getIdp } from "@/lib/idp-catalogue";
import { MAPPABLE_ROLES, roleRank, type MappableRole, type Role } from "@/lib/auth/roles";
import type { RoleMappingRule } from "@/lib/schemas/role-mappings";
import type { Actor } from "./actor";
import { recordAudit } from "./audit";
import { assertMayChangeTrust, recordTrustChange, trustApprovalColumns } from "./connection-trust";

export type RoleRule = { id?: string; attribute: string; value: string; role: Role };
export type MatchedRule = { id?: string; attribute: string; value: string; role: MappableRole };
export type RoleResolution = { role: MappableRole; matchedRule: MatchedRule | null };

/**
 * The attribute that carries group membership by default for an IdP type (prefilled in the rule
 * editor). The IdP catalogue is the one source: the console's setup instructions name the same attribute.
 */
export function defaultGroupsAttribute(idpType: string | null | undefined): string {
  const type = (idpType ?? "").toLowerCase();
  return getIdp(type === "azure" || type === "azuread" ? "entra" : type).defaultGroupsAttribute;
}

function isMappable(role: Role): role is MappableRole {
  return (MAPPABLE_ROLES as readonly string[]).includes(role);
}

/**
 * Pure role mapping. Every value of a multi-valued attribute counts. Among matching rules the
 * highest role wins (ties: the earliest rule); no match → `defaultRole`. An IdP never grants owner:
 * owner rules are ignored and an owner default falls back to viewer.
 * Attribute names match case-insensitively (IdP consoles differ in "Groups"/"groups"); values match
 * exactly after trimming (group names and IDs are the IdP's own identifiers).
 */
export function resolveRole(rules: readonly RoleRule[], attributes: Record<string, readonly string[]>, defaultRole: Role): RoleResolution {
  const byName = new Map<string, Set<string>>();
  for (const [name, values] of Object.entries(attributes)) {
    const key = name.trim().toLowerCase();
    const set = byName.get(key) ?? new Set<string>();
    for (const v of values ?? []) if (typeof v === "string") set.add(v.trim());
    byName.set(key, set);
  }
  let best: MatchedRule | null = null;
  for (const rule of rules) {
    if (!isMappable(rule.role)) continue;
    const values = byName.get(rule.attribute.trim().toLowerCase());
    if (!values || !values.has(rule.value.trim())) continue;
    if (!best || roleRank(rule.role) > roleRank(best.role)) {
      best = { ...(rule.id ? { id: rule.id } : {}), attribute: rule.attribute, value: rule.value, role: rule.role };
    }
  }
  if (best) return { role: best.role, matchedRule: best };
  return { role: isMappable(defaultRole) ? defaultRole : "viewer", matchedRule: null };
}

/** The connection of this workspace, or NOT_FOUND (another workspace's connection reads as absent). */
async function assertConnectionInWorkspace(db: Db, workspaceId: string, connectionId: string) {
  const [row] = await db
    .select({ id: connections.id, version: connections.version })
    .from(connections)
    .where(and(eq(connections.id, connectionId), eq(connections.workspaceId, workspaceId)));
  if (!row) throw new AppError("NOT_FOUND");
  return row;
}

/**
 * The rules are part of the connection's configuration: every change bumps the connection's
 * `version`, inside the write transaction. With `expectedVersion` the bump is conditional, so a save
 * made against an older version (someone saved the connection or its rules meanwhile) is refused
 * with VERSION_CONFLICT, also when two saves race: the row lock makes the second wait, then miss.
 */
async function bumpVersion(tx: Db, workspaceId: string, connectionId: string, expectedVersion: number | undefined): Promise<number> {
  const [row] = await tx
    .update(connections)
    .set({ version: sql`${connections.version} + 1`, updatedAt: new Date() })
    .where(
      and(
        eq(connections.id, connectionId),
        eq(connections.workspaceId, workspaceId),
        expectedVersion === undefined ? undefined : eq(connections.version, expectedVersion),
      ),
    )
    .returning({ version: connections.version });
  if (row) return row.version;
  const current = await assertConnectionInWorkspace(tx, workspaceId, connectionId);
  throw new AppError("VERSION_CONFLICT", { detail: { expectedVersion, currentVersion: current.version } });
}

const byPosition = (db: Db, connectionId: string) =>
  db.select().from(roleMappings).where(eq(roleMappings.connectionId, connectionId)).orderBy(asc(roleMappings.position));

/** Rules of a connection, in evaluation order. */
export async function listRoleMappings(db: Db, workspaceId: string, connectionId: string): Promise<RoleMapping[]> {
  await assertConnectionInWorkspace(db, workspaceId, connectionId);
  return byPosition(db, connectionId);
}

const ruleView = (r: { attribute: string; value: string; role: string }) => ({ attribute: r.attribute, value: r.value, role: r.role });

/**
 * Record that `actor` approved the connection's trust (role mappings are part of it), with the rules
 * before and after. Inside the caller's transaction.
 */
async function approveMappingChange(
  tx: Db,
  workspaceId: string,
  connectionId: string,
  actor: Actor,
  before: { attribute: string; value: string; role: string }[],
  after: { attribute: string; value: string; role: string }[],
) {
  await tx.update(connections).set(trustApprovalColumns(actor, new Date())).where(eq(connections.id, connectionId));
  await recordTrustChange(tx, workspaceId, actor, connectionId, {
    before: { roleMappings: before.map(ruleView) },
    after: { roleMappings: after.map(ruleView) },
    fields: ["roleMappings"],
  });
}

/**
 * Replace the whole list (PUT semantics) in one transaction; audited with before/after. `rules` were
 * parsed by the caller (roleMappingsReplaceSchema). Returns the stored rules and the connection's new
 * version. The rules are part of the connection's trust (they decide roles, admin included): owners
 * only. Saving the same list again changes nothing (the version stays) and needs no owner.
 */
export async function replaceRoleMappings(
  db: Db,
  workspaceId: string,
  connectionId: string,
  rules: RoleMappingRule[],
  actor: Actor,
  opts: { expectedVersion?: number } = {},
): Promise<{ rules: RoleMapping[]; version: number }> {
  return db.transaction(async (tx) => {
    // Lock the connection row first: concurrent saves of its rules wait here, then see the new version.
    const [current] = await tx
      .select({ version: connections.version })
      .from(connections)
      .where(and(eq(connections.id, connectionId), eq(connections.workspaceId, workspaceId)))
      .for("update");
    if (!current) throw new AppError("NOT_FOUND");
    if (opts.expectedVersion !== undefined && opts.expectedVersion !== current.version) {
      throw new AppError("VERSION_CONFLICT", { detail: { expectedVersion: opts.expectedVersion, currentVersion: current.version } });
    }
    const before = await byPosition(tx, connectionId);
    if (JSON.stringify(before.map(ruleView)) === JSON.stringify(rules.map(ruleView))) return { rules: before, version: current.version };
    assertMayChangeTrust(actor, "the role mapping");
    const version = await bumpVersion(tx, workspaceId, connectionId, opts.expectedVersion);
    await tx.delete(roleMappings).where(eq(roleMappings.connectionId, connectionId));
    const inserted = rules.length
      ? await tx
          .insert(roleMappings)
          .values(rules.map((r, i) => ({ connectionId, position: i, attribute: r.attribute, value: r.value, role: r.role })))
          .returning()
      : [];
    const after = inserted.sort((a, b) => a.position - b.position);
    await recordAudit(tx, workspaceId, actor, {
      action: "connection.role_mappings_replaced",
      targetType: "connection",
      targetId: connectionId,
      before: { rules: before.map(ruleView) },
      after: { rules: after.map(ruleView), version },
    });
    await approveMappingChange(tx, workspaceId, connectionId, actor, before, after);
    return { rules: after, version };
  });
}

/** Append one rule at the end (CLI `connections:map-role`; `rule` parsed by the caller). Owners only, like every mapping change. */
export async function appendRoleMapping(
  db: Db,
  workspaceId: string,
  connectionId: string,
  rule: RoleMappingRule,
  actor: Actor,
): Promise<RoleMapping> {
  assertMayChangeTrust(actor, "the role mapping");
  return db.transaction(async (tx) => {
    await bumpVersion(tx, workspaceId, connectionId, undefined);
    const [max] = await tx
      .select({ max: sql<number | null>`max(${roleMappings.position})` })
      .from(roleMappings)
      .where(eq(roleMappings.connectionId, connectionId));
    const position = max?.max == null ? 0 : Number(max.max) + 1;
    const [row] = await tx
      .insert(roleMappings)
      .values({ connectionId, position, attribute: rule.attribute, value: rule.value, role: rule.role })
      .returning();
    await recordAudit(tx, workspaceId, actor, {
      action: "connection.role_mapping_added",
      targetType: "connection",
      targetId: connectionId,
      after: { attribute: rule.attribute, value: rule.value, role: rule.role, position },
    });
    await approveMappingChange(tx, workspaceId, connectionId, actor, [], [ruleView(rule)]);
    return row!;
  });
}

/** Resolve a connection by its (global) slug for operator tooling: { id, workspaceId }, or NOT_FOUND. */
export async function findConnectionScopeBySlug(db: Db, slug: string): Promise<{ id: string; workspaceId: string; name: string }> {
  const [row] = await db
    .select({ id: connections.id, workspaceId: connections.workspaceId, name: connections.name })
    .from(connections)
    .where(eq(connections.slug, slug.trim().toLowerCase()));
  if (!row) throw new AppError("NOT_FOUND", { message: `No connection with slug ${slug}.` });
  return row;
}
