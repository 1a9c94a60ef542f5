import { and, asc, eq, inArray, isNotNull, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, domains, ssoEvents, type Connection, type IdpCertificate } from "@/db/schema";
import { AppError } from "@/lib/errors";

/**
 * Connection health for the SSO console: one status per connection plus the numbers behind it.
 * Test-mode sign-ins (admin "Test sign-in") are not counted: health describes real users' sign-ins.
 */

export const CERT_WARNING_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

export type ConnectionStatus = "active" | "inactive" | "needs_metadata" | "cert_expiring" | "failing";

export type ConnectionHealth = {
  connectionId: string;
  status: ConnectionStatus;
  /** Last successful (non-test) sign-in, or null. */
  lastSuccessAt: Date | null;
  /** Failed (non-test) sign-ins in the 24 hours before `now`. */
  failures24h: number;
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

type EventStats = { lastSuccessAt: Date | null; lastFailureAt: Date | null; failures24h: number };

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
 * Pure status rule, most urgent first: inactive > needs metadata > failing (failures in the last
 * 24 h and no success since the latest failure) > certificate expiring (≤ 30 days or expired) > active.
 */
export function deriveConnectionHealth(c: ConnectionRow, stats: EventStats, routedDomains: string[], now: Date): ConnectionHealth {
  const certExpiresAt = earliestCertExpiry(c.idpCertificates);
  const certDaysLeft = certExpiresAt ? Math.floor((certExpiresAt.getTime() - now.getTime()) / DAY_MS) : null;
  const certExpiringSoon = certExpiresAt !== null && certExpiresAt.getTime() - now.getTime() <= CERT_WARNING_DAYS * DAY_MS;
  const failing =
    stats.failures24h > 0 && (!stats.lastSuccessAt || (stats.lastFailureAt !== null && stats.lastSuccessAt < stats.lastFailureAt));
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

  const stats = await db
    .select({
      connectionId: ssoEvents.connectionId,
      lastSuccessAt: sql<unknown>`max(${ssoEvents.createdAt}) filter (where ${ssoEvents.outcome} = 'success')`,
      lastFailureAt: sql<unknown>`max(${ssoEvents.createdAt}) filter (where ${ssoEvents.outcome} = 'failure')`,
      failures24h: sql<unknown>`count(*) filter (where ${ssoEvents.outcome} = 'failure' and ${ssoEvents.createdAt} > ${since.toISOString()}::timestamptz and ${ssoEvents.createdAt} <= ${now.toISOString()}::timestamptz)`,
    })
    .from(ssoEvents)
    .where(and(eq(ssoEvents.workspaceId, workspaceId), inArray(ssoEvents.connectionId, ids), eq(ssoEvents.testMode, false)))
    .groupBy(ssoEvents.connectionId);
  const statsById = new Map<string, EventStats>(
    stats.map((s) => [
      s.connectionId!,
      { lastSuccessAt: toDate(s.lastSuccessAt), lastFailureAt: toDate(s.lastFailureAt), failures24h: Number(s.failures24h ?? 0) },
    ]),
  );

  const routed = await db
    .select({ domain: domains.domain, connectionId: domains.connectionId })
    .from(domains)
    .where(and(eq(domains.workspaceId, workspaceId), isNotNull(domains.connectionId), inArray(domains.connectionId, ids)))
    .orderBy(asc(domains.domain));
  const domainsById = new Map<string, string[]>();
  for (const d of routed) domainsById.set(d.connectionId!, [...(domainsById.get(d.connectionId!) ?? []), d.domain]);

  for (const r of rows) {
    const s = statsById.get(r.id) ?? { lastSuccessAt: null, lastFailureAt: null, failures24h: 0 };
    result.set(r.id, deriveConnectionHealth(r, s, domainsById.get(r.id) ?? [], now));
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
