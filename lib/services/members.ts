import { asc, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { memberships, users } from "@/db/schema";

export async function listMembers(db: Db, workspaceId: string) {
  return db
    .select({
      id: memberships.id,
      userId: users.id,
      email: users.email,
      name: users.name,
      role: memberships.role,
      status: memberships.status,
      source: memberships.source,
      connectionId: memberships.connectionId,
      lastLoginAt: memberships.lastLoginAt,
      breakGlass: memberships.breakGlass,
      disabled: memberships.disabled,
      createdAt: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.workspaceId, workspaceId))
    .orderBy(asc(users.email));
}
