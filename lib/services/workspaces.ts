import { and, asc, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { memberships, users, workspaces, type Membership, type Workspace } from "@/db/schema";
import { AppError, isUniqueViolation } from "@/lib/errors";
import { hashPassword } from "@/lib/auth/password";
import { hasRole, type Role } from "@/lib/auth/roles";
import { workspaceCreateSchema, type WorkspaceCreateInput } from "@/lib/schemas/workspaces";
import { findOrCreateUser, type User } from "./users";

export type { Membership, Workspace };
export type WorkspaceAccess = { workspace: Workspace; membership: Membership };

/** Create a workspace and its first owner (the user is created when the email is new). */
export async function createWorkspace(db: Db, input: WorkspaceCreateInput): Promise<{ workspace: Workspace; owner: User }> {
  const data = workspaceCreateSchema.parse(input);
  const passwordHash = data.ownerPassword ? await hashPassword(data.ownerPassword) : null;
  try {
    return await db.transaction(async (tx) => {
      const [workspace] = await tx.insert(workspaces).values({ slug: data.slug, name: data.name }).returning();
      const { user, created } = await findOrCreateUser(tx, { email: data.ownerEmail, passwordHash });
      if (!created && passwordHash && !user.passwordHash) {
        // An existing account without a password gets the one given here.
        await tx.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, user.id));
      }
      await tx.insert(memberships).values({
        workspaceId: workspace!.id,
        userId: user.id,
        role: "owner",
        status: "active",
        source: "password",
      });
      return { workspace: workspace!, owner: user };
    });
  } catch (e) {
    if (isUniqueViolation(e, "workspaces_slug_key")) {
      throw new AppError("SLUG_TAKEN", { fields: [{ path: "slug", message: "Already taken" }], detail: { slug: data.slug } });
    }
    throw e;
  }
}

export async function findWorkspaceBySlug(db: Db, slug: string): Promise<Workspace | undefined> {
  const [row] = await db.select().from(workspaces).where(eq(workspaces.slug, slug));
  return row;
}

export async function listWorkspacesForUser(db: Db, userId: string) {
  return db
    .select({ id: workspaces.id, slug: workspaces.slug, name: workspaces.name, role: memberships.role })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(and(eq(memberships.userId, userId), eq(memberships.status, "active"), eq(memberships.disabled, false)))
    .orderBy(asc(workspaces.name));
}

/**
 * The workspaces where an admin disabled the user's membership (optionally only `slug`). Shown to
 * that user alone, so they learn why they cannot get in instead of meeting a 404.
 */
export async function listDisabledWorkspacesForUser(db: Db, userId: string, slug?: string) {
  return db
    .select({ slug: workspaces.slug, name: workspaces.name })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(
      and(
        eq(memberships.userId, userId),
        eq(memberships.status, "active"),
        eq(memberships.disabled, true),
        slug ? eq(workspaces.slug, slug) : undefined,
      ),
    )
    .orderBy(asc(workspaces.name));
}

/**
 * Tenancy check used by every page, action and route: the active membership of `userId` in the
 * workspace `slug`, at least `minRole`. Not a member (or no such workspace) → NOT_FOUND, so another
 * tenant's existence never shows; a member with too low a role → FORBIDDEN.
 */
export async function getWorkspaceAccess(db: Db, userId: string, slug: string, minRole: Role): Promise<WorkspaceAccess> {
  const [row] = await db
    .select({ workspace: workspaces, membership: memberships })
    .from(workspaces)
    .innerJoin(memberships, and(eq(memberships.workspaceId, workspaces.id), eq(memberships.userId, userId)))
    .where(eq(workspaces.slug, slug));
  if (!row || row.membership.status !== "active" || row.membership.disabled) throw new AppError("NOT_FOUND");
  if (!hasRole(row.membership.role, minRole)) throw new AppError("FORBIDDEN");
  return row;
}
