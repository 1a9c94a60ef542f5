import { and, asc, count, eq, inArray, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db";
import { directoryGroupMembers, directoryGroups, directoryUsers, type DirectoryGroup, type DirectoryUser } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { planFilter, type Condition } from "@/lib/scim/filter";
import { normalizePatch } from "@/lib/scim/normalize";
import { BASE_PLACEHOLDER, scimmy } from "@/lib/scim/scimmy";
import { emitEvent } from "@/lib/webhooks/emit";
import { applyDirectoryUserAccess } from "./access";
import { coerceIn, coerceOut, isUuid, listResponse, notFound, schemaInstance, type ScimContext, type ScimQuery } from "./common";

type Member = { id: string; userName: string; displayName: string | null };

function groupRepresentation(g: DirectoryGroup, members: Member[] | null): Record<string, unknown> {
  return {
    ...g.resource,
    id: g.id,
    displayName: g.displayName,
    ...(g.externalId ? { externalId: g.externalId } : {}),
    ...(members && members.length
      ? {
          members: members.map((m) => ({
            value: m.id,
            display: m.displayName ?? m.userName,
            type: "User",
            $ref: `${BASE_PLACEHOLDER}/Users/${m.id}`,
          })),
        }
      : {}),
    meta: { resourceType: "Group", created: g.createdAt, lastModified: g.updatedAt, version: `W/"${g.version}"` },
  };
}

async function membersOf(db: Db, groupIds: string[]): Promise<Map<string, Member[]>> {
  const out = new Map<string, Member[]>();
  if (!groupIds.length) return out;
  const rows = await db
    .select({
      groupId: directoryGroupMembers.groupId,
      id: directoryUsers.id,
      userName: directoryUsers.userName,
      displayName: directoryUsers.displayName,
    })
    .from(directoryGroupMembers)
    .innerJoin(directoryUsers, eq(directoryUsers.id, directoryGroupMembers.directoryUserId))
    .where(inArray(directoryGroupMembers.groupId, groupIds))
    .orderBy(asc(directoryGroupMembers.createdAt), asc(directoryUsers.id));
  for (const r of rows) out.set(r.groupId, [...(out.get(r.groupId) ?? []), { id: r.id, userName: r.userName, displayName: r.displayName }]);
  return out;
}

async function loadGroup(ctx: ScimContext, id: string, forUpdate: boolean): Promise<DirectoryGroup> {
  if (!isUuid(id)) throw notFound("Group", id);
  const q = ctx.db
    .select()
    .from(directoryGroups)
    .where(and(eq(directoryGroups.id, id), eq(directoryGroups.directoryId, ctx.directory.id)));
  const [row] = forUpdate ? await q.for("update") : await q;
  if (!row) throw notFound("Group", id);
  return row;
}

export async function getGroup(ctx: ScimContext, id: string, q: Pick<ScimQuery, "attributes" | "wantsMembers">) {
  const g = await loadGroup(ctx, id, false);
  const members = q.wantsMembers ? ((await membersOf(ctx.db, [g.id])).get(g.id) ?? []) : null;
  return coerceOut("Group", groupRepresentation(g, members), q.attributes);
}

function conditionSql(c: Condition): SQL | undefined {
  switch (c.attr) {
    case "displayName":
      return sql`lower(${directoryGroups.displayName}) = lower(${c.value})`;
    case "externalId":
      return eq(directoryGroups.externalId, c.value);
    case "id":
      return sql`${directoryGroups.id}::text = ${c.value.toLowerCase()}`;
    default:
      return sql`false`;
  }
}

export async function listGroups(ctx: ScimContext, q: ScimQuery) {
  const plan = planFilter(q.filter, "Group");
  const inDirectory = eq(directoryGroups.directoryId, ctx.directory.id);
  let page: DirectoryGroup[];
  let total: number;
  if (plan.kind === "memory") {
    const all = await ctx.db
      .select()
      .from(directoryGroups)
      .where(inDirectory)
      .orderBy(asc(directoryGroups.createdAt), asc(directoryGroups.id));
    const members = await membersOf(
      ctx.db,
      all.map((g) => g.id),
    );
    const reps = all.map((g) => ({ g, rep: groupRepresentation(g, members.get(g.id) ?? []) }));
    const matched = new Set(q.filter!.match(reps.map((r) => r.rep)));
    const hits = reps.filter((r) => matched.has(r.rep)).map((r) => r.g);
    total = hits.length;
    page = hits.slice(q.startIndex - 1, q.startIndex - 1 + q.count);
  } else {
    const where = plan.kind === "sql" ? and(inDirectory, or(...plan.anyOf.map((b) => and(...b.map(conditionSql))))) : inDirectory;
    const [c] = await ctx.db.select({ n: count() }).from(directoryGroups).where(where);
    total = Number(c?.n ?? 0);
    page =
      q.count === 0
        ? []
        : await ctx.db
            .select()
            .from(directoryGroups)
            .where(where)
            .orderBy(asc(directoryGroups.createdAt), asc(directoryGroups.id))
            .offset(q.startIndex - 1)
            .limit(q.count);
  }
  const members = q.wantsMembers
    ? await membersOf(
        ctx.db,
        page.map((g) => g.id),
      )
    : null;
  return listResponse(
    page.map((g) => coerceOut("Group", groupRepresentation(g, members ? (members.get(g.id) ?? []) : null), q.attributes)),
    total,
    q.startIndex,
  );
}

/** Member values → this directory's users. Anything else (another directory's user, a group, junk) is refused. */
async function resolveMembers(ctx: ScimContext, resource: Record<string, unknown>): Promise<DirectoryUser[]> {
  const values = [
    ...new Set(
      (Array.isArray(resource.members) ? resource.members : [])
        .map((m) => (m && typeof m === "object" ? (m as { value?: unknown }).value : undefined))
        .filter((v): v is string => typeof v === "string")
        .map((v) => v.toLowerCase()),
    ),
  ];
  if (!values.length) return [];
  const valid = values.filter(isUuid);
  const rows = valid.length
    ? await ctx.db
        .select()
        .from(directoryUsers)
        .where(and(eq(directoryUsers.directoryId, ctx.directory.id), inArray(directoryUsers.id, valid)))
    : [];
  if (rows.length !== values.length) {
    const known = new Set(rows.map((r) => r.id));
    throw new AppError("SCIM_UNKNOWN_MEMBER", { detail: { unknown: values.filter((v) => !known.has(v)).slice(0, 20) } });
  }
  return rows;
}

function groupEventData(ctx: ScimContext, g: DirectoryGroup) {
  return {
    organization_id: ctx.directory.workspaceId,
    directory_id: ctx.directory.id,
    group_id: g.id,
    name: g.displayName,
    external_id: g.externalId,
    role: g.role as "admin" | "editor" | "viewer" | null,
  };
}

/**
 * Store the group's members as `wanted` (a diff against the stored ones: each added or removed member
 * is an event), then re-apply access and role for everyone whose groups changed.
 */
async function setMembers(ctx: ScimContext, g: DirectoryGroup, wanted: DirectoryUser[], affectsAccess: boolean) {
  const current = await ctx.db
    .select({ user: directoryUsers })
    .from(directoryGroupMembers)
    .innerJoin(directoryUsers, eq(directoryUsers.id, directoryGroupMembers.directoryUserId))
    .where(eq(directoryGroupMembers.groupId, g.id));
  const have = new Map(current.map((r) => [r.user.id, r.user]));
  const want = new Map(wanted.map((u) => [u.id, u]));
  const added = wanted.filter((u) => !have.has(u.id));
  const removed = current.map((r) => r.user).filter((u) => !want.has(u.id));
  if (added.length) {
    await ctx.db
      .insert(directoryGroupMembers)
      .values(added.map((u) => ({ groupId: g.id, directoryUserId: u.id, createdAt: ctx.now })))
      .onConflictDoNothing();
  }
  if (removed.length) {
    await ctx.db.delete(directoryGroupMembers).where(
      and(
        eq(directoryGroupMembers.groupId, g.id),
        inArray(
          directoryGroupMembers.directoryUserId,
          removed.map((u) => u.id),
        ),
      ),
    );
  }
  const base = { organization_id: ctx.directory.workspaceId, directory_id: ctx.directory.id, group_id: g.id, group_name: g.displayName };
  for (const [type, list] of [
    ["group.user_added", added],
    ["group.user_removed", removed],
  ] as const) {
    for (const u of list) {
      await emitEvent(ctx.db, {
        workspaceId: ctx.directory.workspaceId,
        type,
        data: { ...base, user_id: u.userId, email: u.email },
        at: ctx.now,
      });
    }
  }
  if (affectsAccess) {
    for (const u of [...added, ...removed].sort((a, b) => a.id.localeCompare(b.id))) {
      await applyDirectoryUserAccess(ctx.db, ctx.directory, u, { now: ctx.now, ip: ctx.ip });
    }
  }
}

/** Does membership of this group decide anyone's role or access? */
function groupDecidesAccess(ctx: ScimContext, g: DirectoryGroup): boolean {
  return g.role !== null;
}

function readGroup(resource: Record<string, unknown>) {
  const displayName = typeof resource.displayName === "string" ? resource.displayName.trim() : "";
  if (!displayName) throw new AppError("VALIDATION_FAILED", { message: "displayName is required." });
  const externalId = typeof resource.externalId === "string" && resource.externalId.trim() ? resource.externalId.trim() : null;
  const { members: _m, ...rest } = resource;
  return { displayName, externalId, stored: rest };
}

export async function createGroup(ctx: ScimContext, body: unknown) {
  const resource = coerceIn("Group", body);
  const { displayName, externalId, stored } = readGroup(resource);
  const members = await resolveMembers(ctx, resource);
  const [g] = await ctx.db
    .insert(directoryGroups)
    .values({
      directoryId: ctx.directory.id,
      workspaceId: ctx.directory.workspaceId,
      displayName,
      externalId,
      resource: stored,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    })
    .returning();
  await emitEvent(ctx.db, { workspaceId: ctx.directory.workspaceId, type: "group.created", data: groupEventData(ctx, g!), at: ctx.now });
  await setMembers(ctx, g!, members, groupDecidesAccess(ctx, g!));
  return coerceOut("Group", groupRepresentation(g!, (await membersOf(ctx.db, [g!.id])).get(g!.id) ?? []));
}

/** PUT /Groups/{id} (and the end of PATCH): name, externalId and the whole member list are replaced. */
export async function replaceGroup(ctx: ScimContext, id: string, body: unknown, locked?: DirectoryGroup) {
  const g = locked ?? (await loadGroup(ctx, id, true));
  const resource = coerceIn("Group", body);
  const { displayName, externalId, stored } = readGroup(resource);
  const members = await resolveMembers(ctx, resource);
  const renamed = displayName !== g.displayName || externalId !== g.externalId;
  const [updated] = await ctx.db
    .update(directoryGroups)
    .set({ displayName, externalId, resource: stored, version: sql`${directoryGroups.version} + 1`, updatedAt: ctx.now })
    .where(eq(directoryGroups.id, g.id))
    .returning();
  if (renamed) {
    await emitEvent(ctx.db, {
      workspaceId: ctx.directory.workspaceId,
      type: "group.updated",
      data: groupEventData(ctx, updated!),
      at: ctx.now,
    });
  }
  await setMembers(ctx, updated!, members, groupDecidesAccess(ctx, updated!));
  return updated!;
}

export async function putGroup(ctx: ScimContext, id: string, body: unknown, attributes?: unknown) {
  const g = await replaceGroup(ctx, id, body);
  return coerceOut("Group", groupRepresentation(g, (await membersOf(ctx.db, [g.id])).get(g.id) ?? []), attributes);
}

/** PATCH /Groups/{id}: member adds and removes in any of the forms Okta and Entra send. */
export async function patchGroup(ctx: ScimContext, id: string, body: unknown) {
  const g = await loadGroup(ctx, id, true);
  const current = groupRepresentation(g, (await membersOf(ctx.db, [g.id])).get(g.id) ?? []);
  const S = scimmy();
  await new S.Messages.PatchOp(normalizePatch(body, current) as never).apply(schemaInstance("Group", current), async (target) => {
    const updated = await replaceGroup(ctx, id, JSON.parse(JSON.stringify(target)), g);
    return groupRepresentation(updated, (await membersOf(ctx.db, [updated.id])).get(updated.id) ?? []) as never;
  });
}

/** DELETE /Groups/{id}: its members lose what the group gave them (role, and access when access is by group). */
export async function deleteGroup(ctx: ScimContext, id: string) {
  const g = await loadGroup(ctx, id, true);
  const members = await ctx.db
    .select({ user: directoryUsers })
    .from(directoryGroupMembers)
    .innerJoin(directoryUsers, eq(directoryUsers.id, directoryGroupMembers.directoryUserId))
    .where(eq(directoryGroupMembers.groupId, g.id));
  await ctx.db.delete(directoryGroups).where(eq(directoryGroups.id, g.id));
  await emitEvent(ctx.db, { workspaceId: ctx.directory.workspaceId, type: "group.deleted", data: groupEventData(ctx, g), at: ctx.now });
  if (groupDecidesAccess(ctx, g)) {
    for (const m of members) await applyDirectoryUserAccess(ctx.db, ctx.directory, m.user, { now: ctx.now, ip: ctx.ip });
  }
}
