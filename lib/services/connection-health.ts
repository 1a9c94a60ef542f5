import { and, asc, eq, inArray, isNotNull, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, domains, ssoEvents, type Connection, type IdpCertificate } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { unrecordedUnsignedRequests } from "./unsigned-acs-requests";

/**
 * Connection health: one status per connection plus the numbers behind it. The one status function
 * (deriveConnectionHealth) used by every view: the SSO list, the connection page, its Active switch,
 * and (through configuredConnectionSql) login discovery.
 *
 * Only what the connection's IdP (or an admin's test sign-in) said moves the status: a failure counts
 * when its response carried a valid signature of the IdP, or when it answered a test sign-in. Anyone
 * can POST garbage to an ACS: such unsigned or malformed requests are counted apart
 * (unsignedRefused24h) and never make a connection "Failing".
 */

export const CERT_WARNING_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

export type ConnectionStatus = "active" | "inactive" | "needs_metadata" | "cert_expiring" | "failing";

export type ConnectionHealth = {
  connectionId: string;
  status: ConnectionStatus;
  /** Last successful (non-test) sign-in, or null. */
  lastSuccessAt: Date | null;
  /** Failed sign-ins (signed by the IdP) and failed tests in the 24 hours before `now`. */
  failures24h: number;
  /** Unsigned or malformed requests refused in the 24 hours before `now` (not failures: anyone can send them). */
  unsignedRefused24h: number;
  /** The latest test sign-in failed (and nothing succeeded since). */
  lastTestFailed: boolean;
  /** Earliest notAfter of the connection's IdP signing certificates, or null when none. */
  certExpiresAt: Date | null;
  /** Days until that expiry (negative: expired), or null. */
  certDaysLeft: number | null;
  /** The expiry is within CERT_WARNING_DAYS (or past). */
  certExpiringSoon: boolean;
  /** Domains of the workspace routed to this connection (SSO discovery sends their users here). */
  routedDomains: string[];
  /** The last metadata refresh failed (the last good metadata is still in use). */
  metadataError: string | null;
};

type ConnectionRow = Pick<
  Connection,
  "id" | "active" | "idpEntityId" | "idpSsoUrlRedirect" | "idpSsoUrlPost" | "idpCertificates" | "metadataError"
>;

type EventStats = {
  /** Last successful real sign-in. */
  lastSuccessAt: Date | null;
  /** Last success of any kind (real sign-in or test). */
  lastGoodAt: Date | null;
  /** Last counted failure (signed by the IdP, or a test). */
  lastFailureAt: Date | null;
  /** Whether that last counted failure was a test. */
  lastFailureTest: boolean;
  failures24h: number;
  unsignedRefused24h: number;
};

const NO_EVENTS: EventStats = {
  lastSuccessAt: null,
  lastGoodAt: null,
  lastFailureAt: null,
  lastFailureTest: false,
  failures24h: 0,
  unsignedRefused24h: 0,
};

/** True when the connection has what a sign-in needs: IdP entity ID, an SSO URL and a certificate. */
export function isConnectionConfigured(
  c: Pick<ConnectionRow, "idpEntityId" | "idpSsoUrlRedirect" | "idpSsoUrlPost" | "idpCertificates">,
): boolean {
  return Boolean(c.idpEntityId && (c.idpSsoUrlRedirect || c.idpSsoUrlPost) && c.idpCertificates.length > 0);
}

/** Earliest certificate expiry (unparseable dates are ignored). */
export function earliestCertExpiry(certs: readonly Pick<IdpCertificate, "notAfter">[]): Date | null {
  let min: Date | null = null;
  for (const c of certs) {
    const d = new Date(c.notAfter);
    if (Number.isNaN(d.getTime())) continue;
    if (!min || d < min) min = d;
  }
  return min;
}

/**
 * The same rule in SQL (login discovery): true when the connection has what a sign-in needs.
 * Keep in step with isConnectionConfigured.
 */
export const configuredConnectionSql = sql`(${connections.idpEntityId} is not null and (${connections.idpSsoUrlRedirect} is not null or ${connections.idpSsoUrlPost} is not null) and jsonb_array_length(${connections.idpCertificates}) > 0)`;

/**
 * Pure status rule, most urgent first: inactive > needs metadata > failing > certificate expiring
 * (≤ 30 days or expired) > active. Failing: the latest counted failure (signed by the IdP, or a
 * test) is newer than every success, and it is recent (24 h) or nothing ever succeeded (a connection
 * whose only test failed is not "Active").
 */
export function deriveConnectionHealth(c: ConnectionRow, stats: EventStats, routedDomains: string[], now: Date): ConnectionHealth {
  const certExpiresAt = earliestCertExpiry(c.idpCertificates);
  const certDaysLeft = certExpiresAt ? Math.floor((certExpiresAt.getTime() - now.getTime()) / DAY_MS) : null;
  const certExpiringSoon = certExpiresAt !== null && certExpiresAt.getTime() - now.getTime() <= CERT_WARNING_DAYS * DAY_MS;
  const unanswered = stats.lastFailureAt !== null && (!stats.lastGoodAt || stats.lastGoodAt < stats.lastFailureAt);
  const failing = unanswered && (stats.failures24h > 0 || !stats.lastGoodAt);
  let status: ConnectionStatus = "active";
  if (!c.active) status = "inactive";
  else if (!isConnectionConfigured(c)) status = "needs_metadata";
  else if (failing) status = "failing";
  else if (certExpiringSoon) status = "cert_expiring";
  return {
    connectionId: c.id,
    status,
    lastSuccessAt: stats.lastSuccessAt,
    failures24h: stats.failures24h,
    unsignedRefused24h: stats.unsignedRefused24h,
    lastTestFailed: unanswered && stats.lastFailureTest,
    certExpiresAt,
    certDaysLeft,
    certExpiringSoon,
    routedDomains,
    metadataError: c.metadataError,
  };
}

const toDate = (v: unknown): Date | null => (v == null ? null : v instanceof Date ? v : new Date(String(v)));

/** Health of every connection of the workspace, keyed by connection id. */
export async function listConnectionHealth(db: Db, workspaceId: string, now: Date = new Date()): Promise<Map<string, ConnectionHealth>> {
  const rows = await db
    .select({
      id: connections.id,
      active: connections.active,
      idpEntityId: connections.idpEntityId,
      idpSsoUrlRedirect: connections.idpSsoUrlRedirect,
      idpSsoUrlPost: connections.idpSsoUrlPost,
      idpCertificates: connections.idpCertificates,
      metadataError: connections.metadataError,
    })
    .from(connections)
    .where(eq(connections.workspaceId, workspaceId));
  const result = new Map<string, ConnectionHealth>();
  if (rows.length === 0) return result;
  const ids = rows.map((r) => r.id);
  const since = new Date(now.getTime() - DAY_MS);

  const counted = sql`${ssoEvents.outcome} = 'failure' and (${ssoEvents.signatureVerified} or ${ssoEvents.testMode})`;
  const unsigned = sql`${ssoEvents.outcome} = 'failure' and not ${ssoEvents.signatureVerified} and not ${ssoEvents.testMode}`;
  const in24h = sql`${ssoEvents.createdAt} > ${since.toISOString()}::timestamptz and ${ssoEvents.createdAt} <= ${now.toISOString()}::timestamptz`;
  const stats = await db
    .select({
      connectionId: ssoEvents.connectionId,
      lastSuccessAt: sql<unknown>`max(${ssoEvents.createdAt}) filter (where ${ssoEvents.outcome} = 'success' and not ${ssoEvents.testMode})`,
      lastGoodAt: sql<unknown>`max(${ssoEvents.createdAt}) filter (where ${ssoEvents.outcome} = 'success')`,
      lastFailureAt: sql<unknown>`max(${ssoEvents.createdAt}) filter (where ${counted})`,
      lastTestFailureAt: sql<unknown>`max(${ssoEvents.createdAt}) filter (where ${counted} and ${ssoEvents.testMode})`,
      failures24h: sql<unknown>`count(*) filter (where ${counted} and ${in24h})`,
      unsigned24h: sql<unknown>`count(*) filter (where ${unsigned} and ${in24h})`,
    })
    .from(ssoEvents)
    .where(and(eq(ssoEvents.workspaceId, workspaceId), inArray(ssoEvents.connectionId, ids)))
    .groupBy(ssoEvents.connectionId);
  const unrecorded = await Promise.all(ids.map((id) => unrecordedUnsignedRequests(db, id, now)));
  const unrecordedById = new Map(ids.map((id, i) => [id, unrecorded[i]!]));
  const statsById = new Map<string, EventStats>(
    stats.map((s) => {
      const lastFailureAt = toDate(s.lastFailureAt);
      const lastTestFailureAt = toDate(s.lastTestFailureAt);
      return [
        s.connectionId!,
        {
          lastSuccessAt: toDate(s.lastSuccessAt),
          lastGoodAt: toDate(s.lastGoodAt),
          lastFailureAt,
          lastFailureTest: lastFailureAt !== null && lastTestFailureAt !== null && lastTestFailureAt.getTime() === lastFailureAt.getTime(),
          failures24h: Number(s.failures24h ?? 0),
          unsignedRefused24h: Number(s.unsigned24h ?? 0),
        },
      ];
    }),
  );

  const routed = await db
    .select({ domain: domains.domain, connectionId: domains.connectionId })
    .from(domains)
    .where(and(eq(domains.workspaceId, workspaceId), isNotNull(domains.connectionId), inArray(domains.connectionId, ids)))
    .orderBy(asc(domains.domain));
  const domainsById = new Map<string, string[]>();
  for (const d of routed) domainsById.set(d.connectionId!, [...(domainsById.get(d.connectionId!) ?? []), d.domain]);

  for (const r of rows) {
    const s = statsById.get(r.id) ?? NO_EVENTS;
    const withUnrecorded = { ...s, unsignedRefused24h: s.unsignedRefused24h + (unrecordedById.get(r.id) ?? 0) };
    result.set(r.id, deriveConnectionHealth(r, withUnrecorded, domainsById.get(r.id) ?? [], now));
  }
  return result;
}

/** Health of one connection of the workspace; another workspace's connection → NOT_FOUND. */
export async function getConnectionHealthOrThrow(
  db: Db,
  workspaceId: string,
  connectionId: string,
  now: Date = new Date(),
): Promise<ConnectionHealth> {
  const all = await listConnectionHealth(db, workspaceId, now);
  const h = all.get(connectionId);
  if (!h) throw new AppError("NOT_FOUND");
  return h;
}
