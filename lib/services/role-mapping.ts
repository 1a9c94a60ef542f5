import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, roleMappings } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { getIdp } from "@/lib/idp-catalogue";
import { MAPPABLE_ROLES, roleRank, type MappableRole, type Role } from "@/lib/auth/roles";
import {
  roleMappingRuleSchema,
  roleMappingsReplaceSchema,
  type RoleMappingDto,
  type RoleMappingRuleInput,
} from "@/lib/schemas/role-mappings";
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

function toDto(r: typeof roleMappings.$inferSelect): RoleMappingDto {
  return { id: r.id, position: r.position, attribute: r.attribute, value: r.value, role: r.role as MappableRole };
}

/** The connection of this workspace, or NOT_FOUND (another workspace's connection reads as absent). */
async function assertConnectionInWorkspace(db: Db, workspaceId: string, connectionId: string) {
  const [row] = await db
    .select({ id: connections.id, slug: connections.slug })
    .from(connections)
    .where(and(eq(connections.id, connectionId), eq(connections.workspaceId, workspaceId)));
  if (!row) throw new AppError("NOT_FOUND");
  return row;
}

/** Rules of a connection, in evaluation order. */
export async function listRoleMappings(db: Db, workspaceId: string, connectionId: string): Promise<RoleMappingDto[]> {
  await assertConnectionInWorkspace(db, workspaceId, connectionId);
  const rows = await db.select().from(roleMappings).where(eq(roleMappings.connectionId, connectionId)).orderBy(asc(roleMappings.position));
  return rows.map(toDto);
}

/** Rules for the provisioning path (no tenancy check: the connection was already resolved by slug). */
export async function loadRulesForConnection(db: Db, connectionId: string): Promise<RoleRule[]> {
  const rows = await db.select().from(roleMappings).where(eq(roleMappings.connectionId, connectionId)).orderBy(asc(roleMappings.position));
  return rows.map((r) => ({ id: r.id, attribute: r.attribute, value: r.value, role: r.role }));
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
 * Replace the whole list (PUT semantics) in one transaction; audited with before/after. The rules are
 * part of the connection's trust (they decide roles, admin included): owners only. Saving the same
 * list again changes nothing and needs no owner.
 */
export async function replaceRoleMappings(
  db: Db,
  workspaceId: string,
  connectionId: string,
  rules: RoleMappingRuleInput[],
  actor: Actor,
): Promise<RoleMappingDto[]> {
  const parsed = roleMappingsReplaceSchema.parse({ rules }).rules;
  return db.transaction(async (tx) => {
    await assertConnectionInWorkspace(tx, workspaceId, connectionId);
    // Serialise concurrent replaces of the same list.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`role-mappings:${connectionId}`}))`);
    const before = await tx
      .select()
      .from(roleMappings)
      .where(eq(roleMappings.connectionId, connectionId))
      .orderBy(asc(roleMappings.position));
    const same = JSON.stringify(before.map(ruleView)) === JSON.stringify(parsed.map(ruleView));
    if (same) return before.map(toDto);
    assertMayChangeTrust(actor, "the role mapping");
    await tx.delete(roleMappings).where(eq(roleMappings.connectionId, connectionId));
    const inserted = parsed.length
      ? await tx
          .insert(roleMappings)
          .values(parsed.map((r, i) => ({ connectionId, position: i, attribute: r.attribute, value: r.value, role: r.role })))
          .returning()
      : [];
    const after = inserted.sort((a, b) => a.position - b.position).map(toDto);
    await recordAudit(tx, workspaceId, actor, {
      action: "connection.role_mappings_replaced",
      targetType: "connection",
      targetId: connectionId,
      before: { rules: before.map(ruleView) },
      after: { rules: after.map(ruleView) },
    });
    await approveMappingChange(tx, workspaceId, connectionId, actor, before, after);
    return after;
  });
}

/** Append one rule at the end (CLI `connections:map-role`). Owners only, like every mapping change. */
export async function appendRoleMapping(
  db: Db,
  workspaceId: string,
  connectionId: string,
  rule: RoleMappingRuleInput,
  actor: Actor,
): Promise<RoleMappingDto> {
  assertMayChangeTrust(actor, "the role mapping");
  const r = roleMappingRuleSchema.parse(rule);
  return db.transaction(async (tx) => {
    await assertConnectionInWorkspace(tx, workspaceId, connectionId);
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`role-mappings:${connectionId}`}))`);
    const [max] = await tx
      .select({ max: sql<number | null>`max(${roleMappings.position})` })
      .from(roleMappings)
      .where(eq(roleMappings.connectionId, connectionId));
    const position = max?.max == null ? 0 : Number(max.max) + 1;
    const [row] = await tx
      .insert(roleMappings)
      .values({ connectionId, position, attribute: r.attribute, value: r.value, role: r.role })
      .returning();
    await recordAudit(tx, workspaceId, actor, {
      action: "connection.role_mapping_added",
      targetType: "connection",
      targetId: connectionId,
      after: { attribute: r.attribute, value: r.value, role: r.role, position },
    });
    await approveMappingChange(tx, workspaceId, connectionId, actor, [], [ruleView(r)]);
    return toDto(row!);
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
