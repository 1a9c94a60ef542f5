import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { memberships, oidcGrants, workspaces } from "@/db/schema";
import type { Workspace } from "./workspaces";
import { AppError, isUniqueViolation } from "@/lib/errors";
import {
  organizationCreateSchema,
  organizationUpdateSchema,
  type OrganizationCreateInput,
  type OrganizationUpdateInput,
} from "@/lib/schemas/organizations";
import { revokeOidcAccess } from "./oidc-grants";
import { findOrCreateUser } from "./users";

/**
 * Organizations (workspaces) managed by the operator's backend through the instance-level API:
 * created with the operator's own tenant id (`external_id`) and, optionally, a first owner.
 */

function uniqueConflict(e: unknown): AppError | null {
  if (isUniqueViolation(e, "workspaces_slug_key"))
    return new AppError("SLUG_TAKEN", { fields: [{ path: "slug", message: "Already taken" }] });
  if (isUniqueViolation(e, "workspaces_external_id_key")) {
    return new AppError("CONFLICT", {
      message: "Another organization has this external_id.",
      fields: [{ path: "external_id", message: "Already taken" }],
    });
  }
  return null;
}

export async function createOrganization(
  db: Db,
  input: OrganizationCreateInput,
): Promise<{ organization: Workspace; ownerId: string | null }> {
  const data = organizationCreateSchema.parse(input);
  try {
    return await db.transaction(async (tx) => {
      const [organization] = await tx
        .insert(workspaces)
        .values({ slug: data.slug, name: data.name, externalId: data.externalId ?? null })
        .returning();
      let ownerId: string | null = null;
      if (data.ownerEmail) {
        const { user } = await findOrCreateUser(tx, { email: data.ownerEmail });
        await tx
          .insert(memberships)
          .values({ workspaceId: organization!.id, userId: user.id, role: "owner", status: "active", source: "password" });
        ownerId = user.id;
      }
      return { organization: organization!, ownerId };
    });
  } catch (e) {
    throw uniqueConflict(e) ?? e;
  }
}

const createdMs = sql`date_trunc('milliseconds', ${workspaces.createdAt})`;

/** Ordered by creation (cursor = the last row's created_at and id); `externalId` finds the operator's own tenant. */
export async function listOrganizations(
  db: Db,
  opts: { cursor?: string | null; limit?: number; externalId?: string | null } = {},
): Promise<{ items: Workspace[]; nextCursor: string | null }> {
  const limit = Math.max(1, Math.min(opts.limit ?? 50, 200));
  let after: { at: Date; id: string } | null = null;
  if (opts.cursor) {
    const [at, id] = Buffer.from(opts.cursor, "base64url").toString("utf8").split("\n");
    const when = new Date(at ?? "");
    if (!id || !/^[0-9a-f-]{36}$/i.test(id) || Number.isNaN(when.getTime())) {
      throw new AppError("VALIDATION_FAILED", { message: "Invalid cursor.", fields: [{ path: "cursor", message: "Invalid cursor" }] });
    }
    after = { at: when, id };
  }
  const rows = await db
    .select()
    .from(workspaces)
    .where(
      and(
        opts.externalId ? eq(workspaces.externalId, opts.externalId) : undefined,
        // Milliseconds, as the cursor carries them (Postgres keeps microseconds).
        after ? sql`(${createdMs}, ${workspaces.id}) > (${after.at.toISOString()}::timestamptz, ${after.id}::uuid)` : undefined,
      ),
    )
    .orderBy(createdMs, asc(workspaces.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: rows.length > limit && last ? Buffer.from(`${last.createdAt.toISOString()}\n${last.id}`).toString("base64url") : null,
  };
}

export async function getOrganizationOrThrow(db: Db, id: string): Promise<Workspace> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw new AppError("NOT_FOUND");
  const [row] = await db.select().from(workspaces).where(eq(workspaces.id, id));
  if (!row) throw new AppError("NOT_FOUND");
  return row;
}

export async function updateOrganization(db: Db, id: string, input: OrganizationUpdateInput): Promise<Workspace> {
  const current = await getOrganizationOrThrow(db, id);
  const data = organizationUpdateSchema.parse(input);
  try {
    const [row] = await db
      .update(workspaces)
      .set({
        ...(data.name !== undefined ? { name: data.name } : {}),
        ...(data.externalId !== undefined ? { externalId: data.externalId } : {}),
      })
      .where(eq(workspaces.id, current.id))
      .returning();
    return row!;
  } catch (e) {
    throw uniqueConflict(e) ?? e;
  }
}

/**
 * Delete the organization with everything in it. Its people's grants at applications end first
 * (tokens, and back-channel logout to the applications that asked for it).
 */
export async function deleteOrganization(db: Db, id: string): Promise<Workspace> {
  const org = await getOrganizationOrThrow(db, id);
  await db.transaction(async (tx) => {
    const people = await tx.selectDistinct({ userId: oidcGrants.userId }).from(oidcGrants).where(eq(oidcGrants.workspaceId, org.id));
    for (const p of people) await revokeOidcAccess(tx, { userId: p.userId, workspaceId: org.id, reason: "organization_deleted" });
    await tx.delete(workspaces).where(eq(workspaces.id, org.id));
  });
  return org;
}
