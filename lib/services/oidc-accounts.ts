import { and, desc, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, domains, linkedIdentities, memberships, users, workspaces } from "@/db/schema";
import { emailDomain } from "@/lib/domains/normalize";
import type { Role } from "@/lib/auth/roles";
import { findGrantContext } from "./oidc-grants";
import { findEnforcingWorkspaces } from "./sso-enforcement";

/**
 * What the OpenID Connect provider may say about a person, read fresh at every token, refresh and
 * userinfo request: a disabled user, a membership that is gone or disabled, or a grant made without the
 * organization's own SSO once it enforces SSO for the person, answers nothing (the provider then refuses
 * the code, the refresh token or the access token).
 */
export type AccountFacts = {
  user: { id: string; email: string; name: string | null; firstName: string | null; lastName: string | null };
  /** Absent when no grant names an organization (only the authorization endpoint asks that way). */
  organization?: {
    id: string;
    slug: string;
    externalId: string | null;
    role: Role;
    /** The email's domain is verified by this organization. */
    emailVerified: boolean;
    /** The connection the person signed in through (SSO of this organization), and its IdP kind. */
    connection: { id: string; idpType: string } | null;
    /** From the latest assertion of this person on that connection. */
    groups: string[];
  };
};

export async function loadAccountFacts(db: Db, userId: string, grantId?: string | null): Promise<AccountFacts | null> {
  if (!/^[0-9a-f-]{36}$/i.test(userId)) return null;
  const [user] = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      firstName: users.firstName,
      lastName: users.lastName,
      disabled: users.disabled,
    })
    .from(users)
    .where(eq(users.id, userId));
  if (!user || user.disabled) return null;
  const facts: AccountFacts = {
    user: { id: user.id, email: user.email, name: user.name, firstName: user.firstName, lastName: user.lastName },
  };
  if (!grantId) return facts;

  const grant = await findGrantContext(db, grantId);
  if (!grant || grant.userId !== user.id) return null;
  const [row] = await db
    .select({ id: workspaces.id, slug: workspaces.slug, externalId: workspaces.externalId, role: memberships.role })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(
      and(
        eq(memberships.userId, user.id),
        eq(memberships.workspaceId, grant.workspaceId),
        eq(memberships.status, "active"),
        eq(memberships.disabled, false),
      ),
    );
  if (!row) return null;
  // A grant made without this organization's own SSO ends once the organization enforces SSO for the person.
  if (!grant.connectionId && (await findEnforcingWorkspaces(db, user)).some((w) => w.id === row.id)) return null;

  const domain = emailDomain(user.email);
  const [verified] = domain
    ? await db
        .select({ id: domains.id })
        .from(domains)
        .where(and(eq(domains.workspaceId, row.id), eq(domains.domain, domain), eq(domains.status, "verified")))
    : [];

  let connection: { id: string; idpType: string } | null = null;
  let groups: string[] = [];
  if (grant.connectionId) {
    const [c] = await db
      .select({ id: connections.id, idpType: connections.idpType })
      .from(connections)
      .where(and(eq(connections.id, grant.connectionId), eq(connections.workspaceId, row.id)));
    if (c) {
      connection = c;
      const [identity] = await db
        .select({ groups: linkedIdentities.groups })
        .from(linkedIdentities)
        .where(and(eq(linkedIdentities.connectionId, c.id), eq(linkedIdentities.userId, user.id)))
        .orderBy(desc(linkedIdentities.lastLoginAt))
        .limit(1);
      groups = identity?.groups ?? [];
    }
  }
  facts.organization = { ...row, emailVerified: !!verified, connection, groups };
  return facts;
}
