import { randomBytes } from "node:crypto";
import { and, asc, eq, inArray, isNull, lt, ne, or, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, domains, type Domain } from "@/db/schema";
import { challengeRecordName, challengeRecordValue, checkDomain, DOMAIN_INVALID_MESSAGES } from "@/lib/domains/normalize";
import { AppError, isUniqueViolation } from "@/lib/errors";
import { recordAudit, type AuditActor } from "./audit";
import { connectionCanSignIn } from "./connection-readiness";
import { assertChangeKeepsActorAccess } from "./sso-enforcement";
import { checkDomainChallenge, type DnsCheckResult } from "./dns-verify";

/**
 * Verified email domains. Lifecycle: pending → verified (TXT record found) → failing (re-check no
 * longer finds it) → verified again when it reappears. A verified or failing domain belongs to one
 * workspace only (unique partial index on status <> 'pending'); pending claims may coexist.
 * Failing domains keep their ownership (nobody else can take them) but stop routing sign-ins.
 */

export type DomainStatus = Domain["status"];
export type DomainView = {
  id: string;
  workspaceId: string;
  domain: string;
  status: DomainStatus;
  /** The TXT record the admin must create. */
  record: { type: "TXT"; name: string; value: string };
  verifiedAt: Date | null;
  lastCheckedAt: Date | null;
  /** Error code of the last failed check (DNS_RECORD_MISSING, DNS_RECORD_MISMATCH, DNS_ERROR, DOMAIN_TAKEN). */
  lastCheckError: string | null;
  connectionId: string | null;
  /** The development demo's seeded domain (verified without DNS). */
  demoSeed: boolean;
  createdAt: Date;
};
export type DnsOptions = { servers?: string[]; timeoutMs?: number };

export function toDomainView(row: Domain): DomainView {
  return {
    id: row.id,
    workspaceId: row.workspaceId,
    domain: row.domain,
    status: row.status,
    record: { type: "TXT", name: challengeRecordName(row.domain), value: challengeRecordValue(row.verificationToken) },
    verifiedAt: row.verifiedAt,
    lastCheckedAt: row.lastCheckedAt,
    lastCheckError: row.lastCheckError,
    connectionId: row.connectionId,
    demoSeed: row.demoSeed,
    createdAt: row.createdAt,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const snapshot = (r: Domain) => ({ domain: r.domain, status: r.status, connectionId: r.connectionId });

/** Normalise + validate, or throw DOMAIN_INVALID (422) with the reason. */
export function parseDomainOrThrow(input: string): string {
  const check = checkDomain(input);
  if (!check.ok) {
    throw new AppError("DOMAIN_INVALID", {
      message: DOMAIN_INVALID_MESSAGES[check.reason],
      fields: [{ path: "domain", message: DOMAIN_INVALID_MESSAGES[check.reason] }],
      detail: { reason: check.reason },
    });
  }
  return check.domain;
}

/** Claim a domain for the workspace (pending). Adding the same domain again returns the existing claim. */
export async function addDomain(db: Db, workspaceId: string, input: string, actor: AuditActor): Promise<DomainView> {
  return (await claimDomain(db, workspaceId, input, actor)).domain;
}

/** addDomain, also telling whether the claim is new. */
export async function claimDomain(
  db: Db,
  workspaceId: string,
  input: string,
  actor: AuditActor,
): Promise<{ domain: DomainView; created: boolean }> {
  const domain = parseDomainOrThrow(input);
  const [created] = await db
    .insert(domains)
    .values({ workspaceId, domain, verificationToken: randomBytes(24).toString("base64url"), status: "pending" })
    .onConflictDoNothing({ target: [domains.workspaceId, domains.domain] })
    .returning();
  if (!created) return { domain: toDomainView(await getRowByNameOrThrow(db, workspaceId, domain)), created: false };
  await recordAudit(db, workspaceId, actor, {
    action: "domain.added",
    targetType: "domain",
    targetId: created.id,
    after: snapshot(created),
  });
  return { domain: toDomainView(created), created: true };
}

export async function listDomains(db: Db, workspaceId: string): Promise<DomainView[]> {
  const rows = await db.select().from(domains).where(eq(domains.workspaceId, workspaceId)).orderBy(asc(domains.domain));
  return rows.map(toDomainView);
}

async function getRowOrThrow(db: Db, workspaceId: string, id: string): Promise<Domain> {
  if (!UUID.test(id)) throw new AppError("NOT_FOUND");
  const [row] = await db
    .select()
    .from(domains)
    .where(and(eq(domains.id, id), eq(domains.workspaceId, workspaceId)));
  if (!row) throw new AppError("NOT_FOUND");
  return row;
}

async function getRowByNameOrThrow(db: Db, workspaceId: string, domain: string): Promise<Domain> {
  const [row] = await db
    .select()
    .from(domains)
    .where(and(eq(domains.workspaceId, workspaceId), eq(domains.domain, domain)));
  if (!row) throw new AppError("NOT_FOUND", { message: `The domain ${domain} has not been added to this workspace.` });
  return row;
}

export async function getDomainOrThrow(db: Db, workspaceId: string, id: string): Promise<DomainView> {
  return toDomainView(await getRowOrThrow(db, workspaceId, id));
}

/** By name as typed (normalised first); another workspace's claim reads as NOT_FOUND. */
export async function getDomainByNameOrThrow(db: Db, workspaceId: string, input: string): Promise<DomainView> {
  return toDomainView(await getRowByNameOrThrow(db, workspaceId, parseDomainOrThrow(input)));
}

/**
 * Look the TXT record up now. Success: pending/failing → verified. Failure: the reason is stored
 * (last_check_error) and thrown as its code (DNS_RECORD_MISSING | DNS_RECORD_MISMATCH | DNS_ERROR);
 * a verified domain whose record is gone or wrong becomes failing. Verified elsewhere → DOMAIN_TAKEN.
 */
export async function verifyDomain(
  db: Db,
  workspaceId: string,
  id: string,
  actor: AuditActor,
  opts: DnsOptions & { now?: Date } = {},
): Promise<DomainView> {
  const row = await getRowOrThrow(db, workspaceId, id);
  const now = opts.now ?? new Date();
  if (row.status === "pending" && (await isOwnedElsewhere(db, row.domain, workspaceId))) {
    await db.update(domains).set({ lastCheckedAt: now, lastCheckError: "DOMAIN_TAKEN" }).where(eq(domains.id, row.id));
    throw new AppError("DOMAIN_TAKEN", { detail: { domain: row.domain } });
  }
  const result = await checkDomainChallenge(row.domain, row.verificationToken, opts);
  const updated = await applyCheckResult(db, row, result, actor, now);
  if (!result.ok) throw new AppError(result.code, { detail: { domain: row.domain, status: updated.status, ...result.detail } });
  return toDomainView(updated);
}

async function isOwnedElsewhere(db: Db, domain: string, workspaceId: string): Promise<boolean> {
  const [other] = await db
    .select({ id: domains.id })
    .from(domains)
    .where(and(eq(domains.domain, domain), ne(domains.status, "pending"), ne(domains.workspaceId, workspaceId)))
    .limit(1);
  return !!other;
}

/**
 * Store a DNS check's outcome. A DNS_ERROR (timeout, SERVFAIL) says nothing about the record, so it
 * never changes the status: only a missing or wrong record turns a verified domain into failing.
 */
async function applyCheckResult(db: Db, row: Domain, result: DnsCheckResult, actor: AuditActor, now: Date): Promise<Domain> {
  if (result.ok) {
    let updated: Domain | undefined;
    try {
      [updated] = await db
        .update(domains)
        .set({
          status: "verified",
          verifiedAt: row.status === "pending" ? now : (row.verifiedAt ?? now),
          lastCheckedAt: now,
          lastCheckError: null,
        })
        .where(eq(domains.id, row.id))
        .returning();
    } catch (e) {
      if (!isUniqueViolation(e, "domains_owned_domain_key")) throw e;
      await db.update(domains).set({ lastCheckedAt: now, lastCheckError: "DOMAIN_TAKEN" }).where(eq(domains.id, row.id));
      throw new AppError("DOMAIN_TAKEN", { detail: { domain: row.domain } });
    }
    if (!updated) throw new AppError("NOT_FOUND");
    if (row.status !== "verified") {
      await recordAudit(db, row.workspaceId, actor, {
        action: row.status === "failing" ? "domain.restored" : "domain.verified",
        targetType: "domain",
        targetId: row.id,
        before: snapshot(row),
        after: snapshot(updated),
      });
    }
    return updated;
  }
  const status: DomainStatus = row.status === "verified" && result.code !== "DNS_ERROR" ? "failing" : row.status;
  const [updated] = await db
    .update(domains)
    .set({ status, lastCheckedAt: now, lastCheckError: result.code })
    .where(eq(domains.id, row.id))
    .returning();
  if (!updated) throw new AppError("NOT_FOUND");
  await recordAudit(db, row.workspaceId, actor, {
    action: status !== row.status ? "domain.failing" : "domain.verification_failed",
    targetType: "domain",
    targetId: row.id,
    before: snapshot(row),
    after: { ...snapshot(updated), error: result.code },
  });
  return updated;
}

/**
 * Route a verified (or failing) domain to an active connection of the same workspace, or unroute
 * it with null. Another workspace's connection reads as NOT_FOUND.
 */
export async function routeDomain(
  db: Db,
  workspaceId: string,
  id: string,
  connectionId: string | null,
  actor: AuditActor,
): Promise<DomainView> {
  const row = await getRowOrThrow(db, workspaceId, id);
  if (connectionId !== null) {
    if (row.status === "pending") throw new AppError("DOMAIN_NOT_VERIFIED", { detail: { domain: row.domain } });
    const [conn] = UUID.test(connectionId)
      ? await db
          .select()
          .from(connections)
          .where(and(eq(connections.id, connectionId), eq(connections.workspaceId, workspaceId)))
      : [];
    if (!conn) {
      const message = "No such connection in this workspace.";
      throw new AppError("NOT_FOUND", { message, fields: [{ path: "connectionId", message }] });
    }
    if (!conn.active) {
      throw new AppError("CONFLICT", {
        message: "That connection is turned off.",
        hint: "Turn the connection on in Settings → SSO first, or pick an active connection.",
        fields: [{ path: "connectionId", message: "That connection is turned off." }],
      });
    }
    // Routing sends people to the IdP: a connection without IdP metadata would leave them with no way in.
    if (!connectionCanSignIn(conn)) {
      const message = `${conn.name} (${conn.slug}) has no IdP metadata yet.`;
      throw new AppError("CONNECTION_NOT_READY", { message, fields: [{ path: "connectionId", message }] });
    }
  }
  if (row.connectionId === connectionId) return toDomainView(row);
  const target = connectionId
    ? ((await db.select({ name: connections.name }).from(connections).where(eq(connections.id, connectionId)))[0]?.name ?? null)
    : null;
  await assertChangeKeepsActorAccess(db, workspaceId, actor.userId, {
    routeDomain: { domain: row.domain, connectionName: row.status === "verified" ? target : null },
  });
  const [updated] = await db
    .update(domains)
    .set({ connectionId })
    .where(and(eq(domains.id, row.id), eq(domains.workspaceId, workspaceId)))
    .returning();
  if (!updated) throw new AppError("NOT_FOUND");
  await recordAudit(db, workspaceId, actor, {
    action: connectionId ? "domain.routed" : "domain.unrouted",
    targetType: "domain",
    targetId: row.id,
    before: snapshot(row),
    after: snapshot(updated),
  });
  return toDomainView(updated);
}

/** Remove the claim (a verified domain becomes free for another workspace to verify). */
export async function removeDomain(db: Db, workspaceId: string, id: string, actor: AuditActor): Promise<void> {
  const row = await getRowOrThrow(db, workspaceId, id);
  const deleted = await db
    .delete(domains)
    .where(and(eq(domains.id, row.id), eq(domains.workspaceId, workspaceId)))
    .returning({ id: domains.id });
  if (!deleted.length) throw new AppError("NOT_FOUND");
  await recordAudit(db, workspaceId, actor, { action: "domain.removed", targetType: "domain", targetId: row.id, before: snapshot(row) });
}

/** Verified domains are looked up again this often (the scheduler ticks more often and picks the due ones). */
export const RECHECK_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Re-check verified and failing domains not checked within `olderThanMs`. Each row is claimed with a
 * conditional update first, so several instances running this at once never check a domain twice.
 * A record that disappeared (or changed) turns the domain failing; one that came back restores it.
 */
export async function recheckVerifiedDomains(
  db: Db,
  now = new Date(),
  opts: DnsOptions & { olderThanMs?: number; limit?: number } = {},
): Promise<{ checked: number; failing: number; restored: number; errors: number }> {
  const cutoff = new Date(now.getTime() - (opts.olderThanMs ?? RECHECK_INTERVAL_MS));
  const due = or(isNull(domains.lastCheckedAt), lt(domains.lastCheckedAt, cutoff));
  const candidates = await db
    .select({ id: domains.id })
    .from(domains)
    .where(and(inArray(domains.status, ["verified", "failing"]), eq(domains.demoSeed, false), due))
    .orderBy(sql`${domains.lastCheckedAt} asc nulls first`)
    .limit(opts.limit ?? 100);
  const summary = { checked: 0, failing: 0, restored: 0, errors: 0 };
  for (const { id } of candidates) {
    const [row] = await db
      .update(domains)
      .set({ lastCheckedAt: now })
      .where(and(eq(domains.id, id), due))
      .returning();
    if (!row) continue; // another instance took it
    const result = await checkDomainChallenge(row.domain, row.verificationToken, opts);
    const updated = await applyCheckResult(db, row, result, {}, now);
    summary.checked++;
    if (row.status === "verified" && updated.status === "failing") summary.failing++;
    if (row.status === "failing" && updated.status === "verified") summary.restored++;
    if (!result.ok && result.code === "DNS_ERROR") summary.errors++;
  }
  return summary;
}
