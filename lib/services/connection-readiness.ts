import { and, eq, isNotNull, or } from "drizzle-orm";
import { connections, type Connection } from "@/db/schema";

/**
 * A connection that can sign people in: turned on, with IdP metadata (entity ID and an SSO URL).
 * The one definition used by discovery, domain routing and SSO enforcement, so a domain is never
 * routed to (or enforced through) a connection that would leave people with no way in.
 */
export function connectionCanSignInSql() {
  return and(
    eq(connections.active, true),
    isNotNull(connections.idpEntityId),
    or(isNotNull(connections.idpSsoUrlRedirect), isNotNull(connections.idpSsoUrlPost)),
  );
}

export function connectionCanSignIn(c: Pick<Connection, "active" | "idpEntityId" | "idpSsoUrlRedirect" | "idpSsoUrlPost">): boolean {
  return c.active && !!c.idpEntityId && !!(c.idpSsoUrlRedirect || c.idpSsoUrlPost);
}
