import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, rateLimits, workspaces } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { isConnectionSlug, type ConnectionWithWorkspace } from "./connections";
import { countHit, ipRateLimitKey, toResult, type RateLimitRule } from "./rate-limit";

/**
 * Limits on the unauthenticated SAML endpoints, which cost storage (an event row, an AuthnRequest) and
 * CPU (an RSA signature each): per client IP (IPv6 by /64) and per connection, shared by every
 * instance. Generous enough for a company's morning rush behind one NAT address; a flood gets 429
 * with Retry-After and is not recorded as sign-in attempts.
 */
export const SSO_RATE_LIMITS = {
  acs: { perIp: { limit: 120, windowSeconds: 60 }, perConnection: { limit: 1200, windowSeconds: 60 } },
  login: { perIp: { limit: 120, windowSeconds: 60 }, perConnection: { limit: 1200, windowSeconds: 60 } },
  slo: { perIp: { limit: 120, windowSeconds: 60 }, perConnection: { limit: 1200, windowSeconds: 60 } },
} as const satisfies Record<string, { perIp: RateLimitRule; perConnection: RateLimitRule }>;

export type SsoEndpoint = keyof typeof SSO_RATE_LIMITS;

function limited(retryAfterSeconds: number, scope: "ip" | "connection"): AppError {
  return new AppError("RATE_LIMITED", {
    message: "Too many sign-in requests.",
    hint: "Wait a moment, then start the sign-in again.",
    detail: { limitedBy: scope },
    headers: { "Retry-After": String(retryAfterSeconds) },
  });
}

/**
 * Count this request against the client IP, then (for a slug that names a connection) against the
 * connection; over either limit → RATE_LIMITED. Unknown slugs are counted per IP only, so random slugs
 * cannot make rows, and a client over its own limit is not counted against the connection (one
 * flooding address cannot use up everyone's budget). Call before reading the body or signing
 * anything. Returns the connection the slug names (null: none), so the request need not look it up
 * again. One statement (issue 16: three round trips before): both counters and the lookup.
 */
export async function assertSsoRateLimit(
  db: Db,
  input: { endpoint: SsoEndpoint; slug: string; ip: string | null; now?: Date },
): Promise<ConnectionWithWorkspace | null> {
  const rules = SSO_RATE_LIMITS[input.endpoint];
  const now = input.now ?? new Date();
  const slug = isConnectionSlug(input.slug) ? input.slug : null;
  const hitColumns = { count: rateLimits.count, windowStart: rateLimits.windowStart };
  const ipHit = db.$with("ip_hit").as(
    input.ip
      ? db
          .insert(rateLimits)
          .values({ key: ipRateLimitKey(`sso:${input.endpoint}:ip`, input.ip), windowStart: now, count: 1 })
          .onConflictDoUpdate(countHit(rules.perIp, now))
          .returning(hitColumns)
      : db
          .select(hitColumns)
          .from(rateLimits)
          .where(sql`false`),
  );
  const ipAllowed = input.ip ? sql`(select ${ipHit.count} from ${ipHit}) <= ${rules.perIp.limit}` : sql`true`;
  const connectionHit = db.$with("connection_hit").as(
    db
      .insert(rateLimits)
      .select(
        db
          .select({
            key: sql<string>`${`sso:${input.endpoint}:connection:`} || ${connections.id}`.as("key"),
            windowStart: sql<Date>`${now.toISOString()}::timestamptz`.as("window_start"),
            count: sql<number>`1`.as("count"),
          })
          .from(connections)
          .where(and(eq(connections.slug, slug ?? ""), ipAllowed)),
      )
      .onConflictDoUpdate(countHit(rules.perConnection, now))
      .returning(hitColumns),
  );
  const [row] = await db
    .with(ipHit, connectionHit)
    .select({
      connection: connections,
      workspace: workspaces,
      ipCount: sql`(select ${ipHit.count} from ${ipHit})`.mapWith(Number),
      ipWindowStart: sql`(select ${ipHit.windowStart} from ${ipHit})`.mapWith(rateLimits.windowStart),
      connectionCount: sql`(select ${connectionHit.count} from ${connectionHit})`.mapWith(Number),
      connectionWindowStart: sql`(select ${connectionHit.windowStart} from ${connectionHit})`.mapWith(rateLimits.windowStart),
    })
    .from(sql`(select 1) as one`)
    .leftJoin(connections, eq(connections.slug, slug ?? ""))
    .leftJoin(workspaces, eq(workspaces.id, connections.workspaceId));
  if (row?.ipWindowStart) {
    const r = toResult({ count: row.ipCount, windowStart: row.ipWindowStart }, rules.perIp, now);
    if (!r.allowed) throw limited(r.retryAfterSeconds, "ip");
  }
  if (!row?.connection || !row.workspace) return null;
  const r = toResult({ count: row.connectionCount, windowStart: row.connectionWindowStart! }, rules.perConnection, now);
  if (!r.allowed) throw limited(r.retryAfterSeconds, "connection");
  return { connection: row.connection, workspace: row.workspace };
}
