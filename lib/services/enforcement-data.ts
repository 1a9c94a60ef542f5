import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, domains, linkedIdentities, memberships, users, workspaces } from "@/db/schema";
import { emailDomain } from "@/lib/domains/normalize";
import { AppError } from "@/lib/errors";
import { connectionCanSignInSql } from "./connection-readiness";
import { decideEnforcement, type ScopeContext, type ScopeDecision } from "./enforcement-scope";

/** What SSO enforcement decisions read from the database (see enforcement-scope.ts for the rule). */

export type ScopeMember = {
  id: string;
  userId: string;
  email: string;
  name: string | null;
  role: string;
  source: string;
  breakGlass: boolean;
};

/** The workspace's settings and routed domains, as `decideEnforcement` reads them. */
export async function loadScope(db: Db, workspaceId: string): Promise<ScopeContext & { slug: string; name: string }> {
  const [ws] = await db
    .select({
      mode: workspaces.ssoEnforcement,
      ownersBreakGlass: workspaces.ownersBreakGlass,
      slug: workspaces.slug,
      name: workspaces.name,
    })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId));
  if (!ws) throw new AppError("NOT_FOUND");
  const routed = await db
    .select({ domain: domains.domain, name: connections.name })
    .from(domains)
    .innerJoin(
      connections,
      and(eq(connections.id, domains.connectionId), eq(connections.workspaceId, domains.workspaceId), connectionCanSignInSql()),
    )
    .where(and(eq(domains.workspaceId, workspaceId), eq(domains.status, "verified")));
  return { ...ws, routedDomains: new Map(routed.map((r) => [r.domain, r.name])) };
}

export async function loadMembers(db: Db, workspaceId: string): Promise<ScopeMember[]> {
  return db
    .select({
      id: memberships.id,
      userId: memberships.userId,
      email: users.email,
      name: users.name,
      role: memberships.role,
      source: memberships.source,
      breakGlass: memberships.breakGlass,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.status, "active"), eq(memberships.disabled, false)));
}

export const decideFor = (ctx: ScopeContext, m: ScopeMember): ScopeDecision =>
  decideEnforcement(ctx, { emailDomain: emailDomain(m.email), membership: m });

/** Users of `userIds` who have signed in with SSO through a working connection of the workspace. */
export async function usersWithSso(db: Db, workspaceId: string, userIds: string[]): Promise<Set<string>> {
  if (!userIds.length) return new Set();
  const rows = await db
    .select({ userId: linkedIdentities.userId })
    .from(linkedIdentities)
    .innerJoin(connections, eq(connections.id, linkedIdentities.connectionId))
    .where(and(eq(connections.workspaceId, workspaceId), connectionCanSignInSql(), inArray(linkedIdentities.userId, userIds)));
  return new Set(rows.map((r) => r.userId));
}
