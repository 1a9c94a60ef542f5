import { and, asc, count, eq, inArray, ne, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db";
import {
  connections,
  directoryGroupMembers,
  directoryGroups,
  directoryUsers,
  linkedIdentities,
  memberships,
  users,
  type DirectoryUser,
} from "@/db/schema";
import { AppError } from "@/lib/errors";
import { planFilter, type Condition } from "@/lib/scim/filter";
import { normalizePatch } from "@/lib/scim/normalize";
import { BASE_PLACEHOLDER, scimmy } from "@/lib/scim/scimmy";
import { readScimUser, type ScimUserFields } from "@/lib/scim/user-fields";
import { emitEvent } from "@/lib/webhooks/emit";
import { recordAudit } from "../audit";
import { getSsoDomainPolicy } from "../domain-policy";
import { findOrCreateUser, findUserByEmail } from "../users";
import { applyDirectoryUserAccess } from "./access";
import { coerceIn, coerceOut, isUuid, listResponse, lockKey, notFound, schemaInstance, type ScimContext, type ScimQuery } from "./common";

type GroupRef = { id: string; displayName: string };

/** The SCIM representation of a directory user: what the IdP wrote, with Gatehouse's id, active flag, groups and meta. */
function userRepresentation(du: DirectoryUser, groups: GroupRef[]): Record<string, unknown> {
  return {
    ...du.resource,
    id: du.id,
    userName: du.userName,
    ...(du.externalId ? { externalId: du.externalId } : {}),
    active: du.active,
    ...(groups.length
      ? { groups: groups.map((g) => ({ value: g.id, display: g.displayName, $ref: `${BASE_PLACEHOLDER}/Groups/${g.id}` })) }
      : {}),
    meta: { resourceType: "User", created: du.createdAt, lastModified: du.updatedAt, version: `W/"${du.version}"` },
  };
}

async function groupsOf(db: Db, ids: string[]): Promise<Map<string, GroupRef[]>> {
  const out = new Map<string, GroupRef[]>();
  if (!ids.length) return out;
  const rows = await db
    .select({ userId: directoryGroupMembers.directoryUserId, id: directoryGroups.id, displayName: directoryGroups.displayName })
    .from(directoryGroupMembers)
    .innerJoin(directoryGroups, eq(directoryGroups.id, directoryGroupMembers.groupId))
    .where(inArray(directoryGroupMembers.directoryUserId, ids))
    .orderBy(asc(directoryGroups.displayName));
  for (const r of rows) out.set(r.userId, [...(out.get(r.userId) ?? []), { id: r.id, displayName: r.displayName }]);
  return out;
}

async function loadUser(ctx: ScimContext, id: string, forUpdate: boolean): Promise<DirectoryUser> {
  if (!isUuid(id)) throw notFound("User", id);
  const q = ctx.db
    .select()
    .from(directoryUsers)
    .where(and(eq(directoryUsers.id, id), eq(directoryUsers.directoryId, ctx.directory.id)));
  const [row] = forUpdate ? await q.for("update") : await q;
  if (!row) throw notFound("User", id);
  return row;
}

async function representation(ctx: ScimContext, du: DirectoryUser) {
  return userRepresentation(du, (await groupsOf(ctx.db, [du.id])).get(du.id) ?? []);
}

export async function getUser(ctx: ScimContext, id: string, attributes?: unknown) {
  return coerceOut("User", await representation(ctx, await loadUser(ctx, id, false)), attributes);
}

function conditionSql(c: Condition): SQL {
  switch (c.attr) {
    case "userName":
      return sql`lower(${directoryUsers.userName}) = lower(${c.value})`;
    case "displayName":
      return sql`lower(${directoryUsers.displayName}) = lower(${c.value})`;
    case "externalId":
      return eq(directoryUsers.externalId, c.value);
    case "id":
      return sql`${directoryUsers.id}::text = ${c.value.toLowerCase()}`;
    case "active":
      return eq(directoryUsers.active, c.value);
    case "email":
      return sql`exists (select 1 from jsonb_array_elements(${directoryUsers.emails}) e where lower(e->>'value') = lower(${c.value})${
        c.type === null ? sql`` : sql` and lower(e->>'type') = lower(${c.type})`
      })`;
  }
}

export async function listUsers(ctx: ScimContext, q: ScimQuery) {
  const plan = planFilter(q.filter, "User");
  const inDirectory = eq(directoryUsers.directoryId, ctx.directory.id);
  let page: DirectoryUser[];
  let total: number;
  if (plan.kind === "memory") {
    // A filter SQL does not cover: SCIMMY's filter engine over the directory's users.
    const all = await ctx.db
      .select()
      .from(directoryUsers)
      .where(inDirectory)
      .orderBy(asc(directoryUsers.createdAt), asc(directoryUsers.id));
    const groups = await groupsOf(
      ctx.db,
      all.map((u) => u.id),
    );
    const reps = all.map((u) => ({ u, rep: userRepresentation(u, groups.get(u.id) ?? []) }));
    const matched = new Set(q.filter!.match(reps.map((r) => r.rep)));
    const hits = reps.filter((r) => matched.has(r.rep)).map((r) => r.u);
    total = hits.length;
    page = hits.slice(q.startIndex - 1, q.startIndex - 1 + q.count);
  } else {
    const where = plan.kind === "sql" ? and(inDirectory, or(...plan.anyOf.map((b) => and(...b.map(conditionSql))))) : inDirectory;
    const [c] = await ctx.db.select({ n: count() }).from(directoryUsers).where(where);
    total = Number(c?.n ?? 0);
    page =
      q.count === 0
        ? []
        : await ctx.db
            .select()
            .from(directoryUsers)
            .where(where)
            .orderBy(asc(directoryUsers.createdAt), asc(directoryUsers.id))
            .offset(q.startIndex - 1)
            .limit(q.count);
  }
  const groups = await groupsOf(
    ctx.db,
    page.map((u) => u.id),
  );
  return listResponse(
    page.map((u) => coerceOut("User", userRepresentation(u, groups.get(u.id) ?? []), q.attributes)),
    total,
    q.startIndex,
  );
}

function requireEmail(f: ScimUserFields): string {
  if (!f.email) throw new AppError("SCIM_EMAIL_MISSING", { detail: { userName: f.userName } });
  return f.email;
}

async function assertEmailInVerifiedDomain(ctx: ScimContext, email: string) {
  if (!(await getSsoDomainPolicy(ctx.db, ctx.directory.workspaceId, email)).emailDomainVerified) {
    throw new AppError("SCIM_EMAIL_OUTSIDE_DOMAINS", { detail: { email, domain: email.split("@")[1] ?? null } });
  }
}

async function assertUserNameFree(ctx: ScimContext, userName: string, exceptId?: string) {
  const [dup] = await ctx.db
    .select({ id: directoryUsers.id })
    .from(directoryUsers)
    .where(
      and(
        eq(directoryUsers.directoryId, ctx.directory.id),
        sql`lower(${directoryUsers.userName}) = lower(${userName})`,
        exceptId ? ne(directoryUsers.id, exceptId) : undefined,
      ),
    );
  if (dup) throw new AppError("SCIM_USER_NAME_TAKEN", { detail: { userName } });
}

const joinName = (f: ScimUserFields) => f.displayName ?? ([f.givenName, f.familyName].filter(Boolean).join(" ") || null);

/**
 * POST /Users. The email must be in a domain this workspace verified; an existing account with that
 * email is linked only when no other directory of the workspace manages it. The account gets a
 * membership (source scim) when the user is active.
 */
export async function createUser(ctx: ScimContext, body: unknown) {
  const resource = coerceIn("User", body);
  const f = readScimUser(resource);
  const email = requireEmail(f);
  const ws = ctx.directory.workspaceId;
  // The same lock SSO provisioning takes for this email: a sign-in and a SCIM create never race.
  await lockKey(ctx.db, `sso-provision:${email}`);
  await lockKey(ctx.db, `scim-user:${ctx.directory.id}:${f.userName.toLowerCase()}`);
  await assertUserNameFree(ctx, f.userName);
  await assertEmailInVerifiedDomain(ctx, email);
  let account = await findUserByEmail(ctx.db, email);
  if (account) {
    const [managed] = await ctx.db
      .select({ id: directoryUsers.id })
      .from(directoryUsers)
      .where(and(eq(directoryUsers.workspaceId, ws), eq(directoryUsers.userId, account.id)));
    if (managed) throw new AppError("SCIM_ACCOUNT_TAKEN", { detail: { email, reason: "managed_by_another_directory_user" } });
    if (!account.firstName && !account.lastName && (f.givenName || f.familyName)) {
      [account] = await ctx.db
        .update(users)
        .set({ firstName: f.givenName, lastName: f.familyName, name: account.name ?? joinName(f), updatedAt: ctx.now })
        .where(eq(users.id, account.id))
        .returning();
    }
  } else {
    account = (await findOrCreateUser(ctx.db, { email, firstName: f.givenName, lastName: f.familyName, name: joinName(f) })).user;
  }
  const [du] = await ctx.db
    .insert(directoryUsers)
    .values({
      directoryId: ctx.directory.id,
      workspaceId: ws,
      userId: account!.id,
      userName: f.userName,
      externalId: f.externalId,
      active: f.active,
      email,
      emails: f.emails,
      displayName: f.displayName,
      givenName: f.givenName,
      familyName: f.familyName,
      resource,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    })
    .returning();
  await applyDirectoryUserAccess(ctx.db, ctx.directory, du!, { now: ctx.now, ip: ctx.ip });
  return coerceOut("User", userRepresentation(du!, []));
}

/**
 * A new email for the account. Only to an address in a verified domain of this workspace that no other
 * account uses, and only for an account no other workspace has (its email is how it signs in there).
 */
async function changeAccountEmail(ctx: ScimContext, du: DirectoryUser, email: string) {
  await lockKey(ctx.db, `sso-provision:${email}`);
  await assertEmailInVerifiedDomain(ctx, email);
  const other = await findUserByEmail(ctx.db, email);
  if (other && other.id !== du.userId) throw new AppError("SCIM_ACCOUNT_TAKEN", { detail: { email, reason: "email_in_use" } });
  const [elsewhere] = await ctx.db
    .select({ id: memberships.id })
    .from(memberships)
    .where(and(eq(memberships.userId, du.userId), ne(memberships.workspaceId, ctx.directory.workspaceId)))
    .limit(1);
  const [linkedElsewhere] = await ctx.db
    .select({ id: linkedIdentities.id })
    .from(linkedIdentities)
    .innerJoin(connections, eq(connections.id, linkedIdentities.connectionId))
    .where(and(eq(linkedIdentities.userId, du.userId), ne(connections.workspaceId, ctx.directory.workspaceId)))
    .limit(1);
  if (elsewhere || linkedElsewhere) {
    throw new AppError("SCIM_ACCOUNT_TAKEN", { detail: { email, reason: "account_used_by_another_workspace" } });
  }
  if (!other) {
    await ctx.db.update(users).set({ email, updatedAt: ctx.now }).where(eq(users.id, du.userId));
    await recordAudit(
      ctx.db,
      ctx.directory.workspaceId,
      { userId: null, ip: ctx.ip },
      {
        action: "user.email_changed",
        targetType: "user",
        targetId: du.userId,
        before: { email: du.email },
        after: { email, directoryId: ctx.directory.id },
      },
    );
  }
}

/** PUT /Users/{id} (and the end of PATCH): the resource is replaced; access and role follow. */
export async function replaceUser(ctx: ScimContext, id: string, body: unknown, locked?: DirectoryUser) {
  const du = locked ?? (await loadUser(ctx, id, true));
  const resource = coerceIn("User", body);
  const f = readScimUser(resource);
  const email = requireEmail(f);
  const changed: string[] = [];
  if (f.userName.toLowerCase() !== du.userName.toLowerCase()) {
    await assertUserNameFree(ctx, f.userName, du.id);
    changed.push("userName");
  }
  if (email !== du.email) {
    await changeAccountEmail(ctx, du, email);
    changed.push("email");
  }
  if (f.givenName !== du.givenName || f.familyName !== du.familyName || f.displayName !== du.displayName) {
    changed.push("name");
    await ctx.db
      .update(users)
      .set({ firstName: f.givenName, lastName: f.familyName, name: joinName(f), updatedAt: ctx.now })
      .where(eq(users.id, du.userId));
  }
  const [updated] = await ctx.db
    .update(directoryUsers)
    .set({
      userName: f.userName,
      externalId: f.externalId,
      active: f.active,
      email,
      emails: f.emails,
      displayName: f.displayName,
      givenName: f.givenName,
      familyName: f.familyName,
      resource,
      version: sql`${directoryUsers.version} + 1`,
      updatedAt: ctx.now,
    })
    .where(eq(directoryUsers.id, du.id))
    .returning();
  await applyDirectoryUserAccess(ctx.db, ctx.directory, updated!, { now: ctx.now, ip: ctx.ip });
  if (changed.length) {
    await emitEvent(ctx.db, {
      workspaceId: ctx.directory.workspaceId,
      type: "user.updated",
      data: {
        organization_id: ctx.directory.workspaceId,
        user_id: du.userId,
        email,
        name: joinName(f),
        changed,
        directory_id: ctx.directory.id,
      },
      at: ctx.now,
    });
  }
  return representation(ctx, updated!);
}

/** PATCH /Users/{id}: SCIMMY applies the operations (after Okta/Entra quirks are normalised); replaceUser stores the result. */
export async function patchUser(ctx: ScimContext, id: string, body: unknown, attributes?: unknown) {
  const du = await loadUser(ctx, id, true);
  const current = await representation(ctx, du);
  const S = scimmy();
  let result: Record<string, unknown> = current;
  await new S.Messages.PatchOp(normalizePatch(body, current) as never).apply(schemaInstance("User", current), async (target) => {
    result = await replaceUser(ctx, id, JSON.parse(JSON.stringify(target)), du);
    return result as never;
  });
  return coerceOut("User", result, attributes);
}

/** DELETE /Users/{id}: the person is deprovisioned (their membership stays, disabled) and the resource is gone. */
export async function deleteUser(ctx: ScimContext, id: string) {
  const du = await loadUser(ctx, id, true);
  await applyDirectoryUserAccess(ctx.db, ctx.directory, du, { now: ctx.now, ip: ctx.ip, deleted: true });
  await ctx.db.delete(directoryUsers).where(eq(directoryUsers.id, du.id));
}
