import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { cachedSelect } from "@/db/cached-statement";
import { connections, rateLimits, workspaces } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { isConnectionSlug, type ConnectionWithWorkspace } from "./connections";
import { countHitAt, ipRateLimitKey, toResult, windowCutoff, type RateLimitRule } from "./rate-limit";

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
 * again. One statement (issue 16: three round trips before): both counters and the lookup; its text is
 * built once per shape (`cachedSelect`).
 */
export async function assertSsoRateLimit(
  db: Db,
  input: { endpoint: SsoEndpoint; slug: string; ip: string | null; now?: Date },
): Promise<ConnectionWithWorkspace | null> {
  const rules = SSO_RATE_LIMITS[input.endpoint];
  const now = input.now ?? new Date();
  const slug = isConnectionSlug(input.slug) ? input.slug : "";
  const [row] = await (input.ip ? COUNT.withIp : COUNT.withoutIp)(db, {
    ipKey: input.ip ? ipRateLimitKey(`sso:${input.endpoint}:ip`, input.ip) : null,
    ipLimit: rules.perIp.limit,
    ipCutoff: windowCutoff(rules.perIp, now),
    connectionKeyPrefix: `sso:${input.endpoint}:connection:`,
    connectionCutoff: windowCutoff(rules.perConnection, now),
    now: now.toISOString(),
    slug,
  });
  if (row?.ipWindowStart) {
    const r = toResult({ count: row.ipCount, windowStart: row.ipWindowStart }, rules.perIp, now);
    if (!r.allowed) throw limited(r.retryAfterSeconds, "ip");
  }
  if (!row?.connection || !row.workspace) return null;
  const r = toResult({ count: row.connectionCount, windowStart: row.connectionWindowStart! }, rules.perConnection, now);
  if (!r.allowed) throw limited(r.retryAfterSeconds, "connection");
  return { connection: row.connection, workspace: row.workspace };
}

/** The statement, every value a placeholder; one shape with a client IP to count, one without. */
function countQuery(db: Db, withIp: boolean) {
  const p = (name: string) => sql.placeholder(name);
  const hitColumns = { count: rateLimits.count, windowStart: rateLimits.windowStart };
  const ipHit = db.$with("ip_hit").as(
    withIp
      ? db
          .insert(rateLimits)
          .values({ key: p("ipKey"), windowStart: sql`${p("now")}::timestamptz`, count: 1 })
          .onConflictDoUpdate(countHitAt(p("ipCutoff"), p("now")))
          .returning(hitColumns)
      : db
          .select(hitColumns)
          .from(rateLimits)
          .where(sql`false`),
  );
  const ipAllowed = withIp ? sql`(select ${ipHit.count} from ${ipHit}) <= ${p("ipLimit")}` : sql`true`;
  const connectionHit = db.$with("connection_hit").as(
    db
      .insert(rateLimits)
      .select(
        db
          .select({
            key: sql<string>`${p("connectionKeyPrefix")}::text || ${connections.id}`.as("key"),
            windowStart: sql<Date>`${p("now")}::timestamptz`.as("window_start"),
            count: sql<number>`1`.as("count"),
          })
          .from(connections)
          .where(and(eq(connections.slug, p("slug")), ipAllowed)),
      )
      .onConflictDoUpdate(countHitAt(p("connectionCutoff"), p("now")))
      .returning(hitColumns),
  );
  return db
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
    .leftJoin(connections, eq(connections.slug, p("slug")))
    .leftJoin(workspaces, eq(workspaces.id, connections.workspaceId));
}

const COUNT = {
  withIp: cachedSelect((db) => countQuery(db, true)),
  withoutIp: cachedSelect((db) => countQuery(db, false)),
};
