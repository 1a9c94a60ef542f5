import type { Db } from "@/db";
import { AppError } from "@/lib/errors";
import { findConnectionBySlug, type ConnectionWithWorkspace } from "./connections";
import { hitRateLimit, ipRateLimitKey, type RateLimitRule } from "./rate-limit";

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
 * cannot make rows. Call before reading the body or signing anything. Returns the connection the slug
 * names (null: none), so the request need not look it up again.
 */
export async function assertSsoRateLimit(
  db: Db,
  input: { endpoint: SsoEndpoint; slug: string; ip: string | null; now?: Date },
): Promise<ConnectionWithWorkspace | null> {
  const rules = SSO_RATE_LIMITS[input.endpoint];
  if (input.ip) {
    const r = await hitRateLimit(db, ipRateLimitKey(`sso:${input.endpoint}:ip`, input.ip), rules.perIp, input.now);
    if (!r.allowed) throw limited(r.retryAfterSeconds, "ip");
  }
  const found = await findConnectionBySlug(db, input.slug);
  if (!found) return null;
  const r = await hitRateLimit(db, `sso:${input.endpoint}:connection:${found.connection.id}`, rules.perConnection, input.now);
  if (!r.allowed) throw limited(r.retryAfterSeconds, "connection");
  return found;
}
