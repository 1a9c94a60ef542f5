import { and, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { applications, oidcGrants, oidcLogoutDeliveries, oidcPayloads, type OidcGrant } from "@/db/schema";
import { nudgeJob } from "./jobs";

/**
 * Grants of Gatehouse's OpenID Connect provider, seen from Gatehouse: which person, organization and
 * sign-in each grant stands for (oidc_grants), and ending them. The provider stores the grant itself
 * and every code and token carrying its grantId in oidc_payloads, so revoking is two deletes.
 */
export const BACKCHANNEL_LOGOUT_JOB = "oidc.backchannel-logout";

export type GrantContext = Pick<OidcGrant, "grantId" | "clientId" | "userId" | "workspaceId" | "connectionId" | "amr">;

export async function recordGrantContext(db: Db, g: GrantContext & { expiresAt: Date; now?: Date }): Promise<void> {
  await db
    .insert(oidcGrants)
    .values({ ...g, createdAt: g.now ?? new Date() })
    .onConflictDoUpdate({
      target: oidcGrants.grantId,
      set: { workspaceId: g.workspaceId, connectionId: g.connectionId, amr: g.amr, expiresAt: g.expiresAt },
    });
}

export async function findGrantContext(db: Db, grantId: string): Promise<OidcGrant | undefined> {
  const [row] = await db.select().from(oidcGrants).where(eq(oidcGrants.grantId, grantId));
  return row;
}

/** Delete grants and everything issued under them (codes, access and refresh tokens). */
async function deleteGrants(db: Db, grantIds: string[]): Promise<void> {
  if (!grantIds.length) return;
  await db
    .delete(oidcPayloads)
    .where(or(inArray(oidcPayloads.grantId, grantIds), and(eq(oidcPayloads.model, "Grant"), inArray(oidcPayloads.id, grantIds))));
  await db.delete(oidcGrants).where(inArray(oidcGrants.grantId, grantIds));
}

/** An application is deleted: its grants and tokens go with it. */
export async function revokeClientGrants(db: Db, clientId: string): Promise<void> {
  const rows = await db.select({ grantId: oidcGrants.grantId }).from(oidcGrants).where(eq(oidcGrants.clientId, clientId));
  await deleteGrants(
    db,
    rows.map((r) => r.grantId),
  );
}

type SessionPayload = { authorizations?: Record<string, { sid?: string; grantId?: string }> };

/**
 * End what a person holds at applications: for one organization (its grants) or, with
 * `workspaceId` null, everything (grants, tokens and the provider's sign-in sessions). Each affected
 * application with a back-channel logout URI gets a delivery queued, in the caller's transaction.
 * Returns the client_ids told.
 */
export async function revokeOidcAccess(
  db: Db,
  e: { userId: string; workspaceId: string | null; reason: string; now?: Date },
): Promise<string[]> {
  const now = e.now ?? new Date();
  const grants = await db
    .select({ grantId: oidcGrants.grantId, clientId: oidcGrants.clientId })
    .from(oidcGrants)
    .where(and(eq(oidcGrants.userId, e.userId), e.workspaceId ? eq(oidcGrants.workspaceId, e.workspaceId) : undefined));

  // Which session (sid) each grant was used in, per application: the logout token names it.
  const sessions = await db
    .select({ payload: oidcPayloads.payload })
    .from(oidcPayloads)
    .where(and(eq(oidcPayloads.accountId, e.userId), eq(oidcPayloads.model, "Session")));
  const sidByGrant = new Map<string, string>();
  const sidsByClient = new Map<string, Set<string>>();
  for (const s of sessions) {
    for (const [clientId, a] of Object.entries((s.payload as SessionPayload).authorizations ?? {})) {
      if (!a?.sid) continue;
      if (a.grantId) sidByGrant.set(a.grantId, a.sid);
      if (!sidsByClient.has(clientId)) sidsByClient.set(clientId, new Set());
      sidsByClient.get(clientId)!.add(a.sid);
    }
  }

  const toTell = new Map<string, Set<string | null>>();
  const tell = (clientId: string, sid: string | null) => {
    if (!toTell.has(clientId)) toTell.set(clientId, new Set());
    toTell.get(clientId)!.add(sid);
  };
  for (const g of grants) tell(g.clientId, sidByGrant.get(g.grantId) ?? null);

  await deleteGrants(
    db,
    grants.map((g) => g.grantId),
  );
  if (e.workspaceId === null) {
    // The whole account: every session at the provider ends, and every application signed in there is told.
    for (const [clientId, sids] of sidsByClient) for (const sid of sids) tell(clientId, sid);
    await db.delete(oidcPayloads).where(eq(oidcPayloads.accountId, e.userId));
  }

  if (!toTell.size) return [];
  const withUri = await db
    .select({ clientId: applications.clientId })
    .from(applications)
    .where(and(inArray(applications.clientId, [...toTell.keys()]), sql`${applications.backchannelLogoutUri} is not null`));
  // One pending delivery per (application, session) is enough: removing the last membership ends the
  // organization's grants and then the whole account in one transaction.
  const pending = await db
    .select({ clientId: oidcLogoutDeliveries.clientId, sid: oidcLogoutDeliveries.sid })
    .from(oidcLogoutDeliveries)
    .where(
      and(eq(oidcLogoutDeliveries.subject, e.userId), isNull(oidcLogoutDeliveries.deliveredAt), isNull(oidcLogoutDeliveries.failedAt)),
    );
  const queued = new Set(pending.map((p) => `${p.clientId} ${p.sid ?? ""}`));
  const rows = withUri.flatMap(({ clientId }) => {
    const sids = [...toTell.get(clientId)!];
    // A sid-less token is only needed when no session of that application is known.
    const known = sids.filter((s): s is string => s !== null);
    return (known.length ? known : [null])
      .filter((sid) => !queued.has(`${clientId} ${sid ?? ""}`))
      .map((sid) => ({
        clientId,
        subject: e.userId,
        sid,
        reason: e.reason,
        nextAttemptAt: now,
        createdAt: now,
      }));
  });
  if (rows.length) {
    await db.insert(oidcLogoutDeliveries).values(rows);
    nudgeJob(BACKCHANNEL_LOGOUT_JOB);
  }
  return withUri.map((r) => r.clientId);
}

/** Expired grant contexts (their provider grant expired with them). */
export async function sweepGrantContexts(db: Db, now: Date): Promise<number> {
  const deleted = await db.delete(oidcGrants).where(lt(oidcGrants.expiresAt, now)).returning({ id: oidcGrants.grantId });
  return deleted.length;
}
