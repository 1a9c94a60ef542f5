import { and, eq } from "drizzle-orm";
import { connections, type Connection } from "@/db/schema";
import { configuredConnectionSql, isConnectionConfigured } from "./connection-health";

/**
 * A connection that can sign people in: turned on and configured (the console's "configured" rule:
 * IdP entity ID, an SSO URL and at least one certificate, from connection-health). The one definition
 * used by discovery, domain routing and SSO enforcement, so a domain is never routed to (or enforced
 * through) a connection that would leave people with no way in.
 */
export function connectionCanSignInSql() {
  return and(eq(connections.active, true), configuredConnectionSql);
}

export function connectionCanSignIn(
  c: Pick<Connection, "active" | "idpEntityId" | "idpSsoUrlRedirect" | "idpSsoUrlPost" | "idpCertificates">,
): boolean {
  return c.active && isConnectionConfigured(c);
}
