import { and, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, domains, workspaces } from "@/db/schema";
import { emailDomain } from "@/lib/domains/normalize";
import { AppError } from "@/lib/errors";
import { safeRelativePath } from "@/lib/schemas/connections";
import { connectionCanSignInSql } from "./connection-readiness";
import { hitRateLimit, type RateLimitRule } from "./rate-limit";
import { spValues } from "./sp-values";

/** Per client IP, shared by every instance. Generous for real users, slow for anyone scanning domains. */
export const DISCOVERY_RATE_LIMIT: RateLimitRule = { limit: 60, windowSeconds: 60 };
export const discoveryRateLimitKey = (ip: string | null) => `discover:ip:${ip ?? "unknown"}`;

/** Never a stored domain (".invalid" is refused at add): keeps the lookup identical for unparsable emails. */
const NO_DOMAIN = "no-domain.invalid";

export type DiscoveryResult =
  | {
      found: true;
      /** The connection's SP-initiated login URL. */
      redirect: string;
      /** Connection name, for "Continue with <name>". */
      name: string;
      /** The workspace enforces SSO for every address of this domain: no password alternative is offered. */
      enforced: boolean;
    }
  | { found: false };

/**
 * Email → SSO connection. Found only when the email's domain is verified (not pending, not failing)
 * and routed to an active, configured connection of the same workspace. Every other case takes
 * the same path: one rate-limit hit and one query, whatever the input, so the answer (and its
 * timing) never tells whether a company uses Gatehouse.
 */
export async function discoverSso(
  db: Db,
  input: { email: string; returnTo?: string | null; ip: string | null; appUrl: string },
  now = new Date(),
): Promise<DiscoveryResult> {
  const limit = await hitRateLimit(db, discoveryRateLimitKey(input.ip), DISCOVERY_RATE_LIMIT, now);
  if (!limit.allowed) throw new AppError("RATE_LIMITED", { headers: { "Retry-After": String(limit.retryAfterSeconds) } });

  const row = await findRoutedConnection(db, emailDomain(input.email) ?? NO_DOMAIN);
  if (!row) return { found: false };

  const returnTo = safeRelativePath(input.returnTo);
  const login = spValues(input.appUrl, row.slug).loginUrl;
  return {
    found: true,
    redirect: returnTo ? `${login}?return_to=${encodeURIComponent(returnTo)}` : login,
    name: row.name,
    enforced: row.enforcement === "verified_domains",
  };
}

/**
 * The active, configured connection a verified domain is routed to, with its workspace (the same
 * single query for every input). Used by discovery and by the OpenID Connect provider's
 * `login_hint` / `domain_hint`.
 */
export async function findRoutedConnection(db: Db, domain: string) {
  const [row] = await db
    .select({
      connectionId: connections.id,
      slug: connections.slug,
      name: connections.name,
      workspaceId: workspaces.id,
      enforcement: workspaces.ssoEnforcement,
    })
    .from(domains)
    .innerJoin(
      connections,
      and(eq(connections.id, domains.connectionId), eq(connections.workspaceId, domains.workspaceId), connectionCanSignInSql()),
    )
    .innerJoin(workspaces, eq(workspaces.id, domains.workspaceId))
    .where(and(eq(domains.domain, domain), eq(domains.status, "verified")))
    .limit(1);
  return row ?? null;
}
