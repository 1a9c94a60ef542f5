import { and, asc, eq, inArray, isNull, lt, lte, or } from "drizzle-orm";
import type { Db } from "@/db";
import { applications, oidcLogoutDeliveries, type OidcLogoutDelivery } from "@/db/schema";
import { logger } from "@/lib/logger";
import { nudgeJob } from "./jobs";
import { BACKCHANNEL_LOGOUT_JOB } from "./oidc-grants";

/**
 * OpenID Connect Back-Channel Logout deliveries: queued in the transaction that ended the access
 * (or by an RP-initiated logout), claimed in SQL by whichever instance runs the job, sent with a
 * fresh logout token per attempt, retried with backoff on recoverable failures (network errors,
 * 5xx, 408, 429), given up after the last attempt. Success is 200 or 204 (OIDC Back-Channel Logout §2.8).
 */
export const RETRY_DELAYS_MS = [30_000, 2 * 60_000, 10 * 60_000, 60 * 60_000, 6 * 60 * 60_000];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
const BATCH = 20;
const LEASE_MS = 60_000;

export async function queueLogoutDelivery(
  db: Db,
  d: { clientId: string; subject: string; sid: string | null; reason: string; now?: Date },
): Promise<void> {
  const now = d.now ?? new Date();
  await db.insert(oidcLogoutDeliveries).values({
    clientId: d.clientId,
    subject: d.subject,
    sid: d.sid,
    reason: d.reason,
    nextAttemptAt: now,
    createdAt: now,
  });
  nudgeJob(BACKCHANNEL_LOGOUT_JOB);
}

/** Take up to BATCH due deliveries for this run; two instances never take the same row. */
export async function claimDueLogoutDeliveries(db: Db, now: Date): Promise<OidcLogoutDelivery[]> {
  const due = db
    .select({ id: oidcLogoutDeliveries.id })
    .from(oidcLogoutDeliveries)
    .where(
      and(
        isNull(oidcLogoutDeliveries.deliveredAt),
        isNull(oidcLogoutDeliveries.failedAt),
        lte(oidcLogoutDeliveries.nextAttemptAt, now),
        or(isNull(oidcLogoutDeliveries.lockedUntil), lte(oidcLogoutDeliveries.lockedUntil, now)),
      ),
    )
    .orderBy(asc(oidcLogoutDeliveries.nextAttemptAt))
    .limit(BATCH)
    .for("update", { skipLocked: true });
  return db
    .update(oidcLogoutDeliveries)
    .set({ lockedUntil: new Date(now.getTime() + LEASE_MS) })
    .where(inArray(oidcLogoutDeliveries.id, due))
    .returning();
}

/** A delivery that cannot succeed by retrying (the outbound policy refuses the URL): given up at once. */
export class PermanentDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PermanentDeliveryError";
  }
}

export type BackchannelDeps = {
  /** A signed logout token (typ logout+jwt) for this client, or null when the client no longer exists. */
  signLogoutToken: (clientId: string, sub: string, sid: string | null) => Promise<string | null>;
  /** POST application/x-www-form-urlencoded; resolves with the status, rejects on network errors (PermanentDeliveryError: the URL is refused). */
  post: (url: string, form: Record<string, string>) => Promise<number>;
};

function recoverable(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

export async function deliverBackchannelLogouts(
  db: Db,
  now: Date,
  deps: BackchannelDeps,
): Promise<{ delivered: number; retried: number; failed: number }> {
  const claimed = await claimDueLogoutDeliveries(db, now);
  const out = { delivered: 0, retried: 0, failed: 0 };
  if (!claimed.length) return out;
  const apps = await db
    .select({ clientId: applications.clientId, uri: applications.backchannelLogoutUri })
    .from(applications)
    .where(
      inArray(
        applications.clientId,
        claimed.map((d) => d.clientId),
      ),
    );
  const uriOf = new Map(apps.map((a) => [a.clientId, a.uri]));

  for (const d of claimed) {
    const attempts = d.attempts + 1;
    const finish = async (set: Partial<OidcLogoutDelivery>) => {
      await db
        .update(oidcLogoutDeliveries)
        .set({ attempts, lockedUntil: null, ...set })
        .where(eq(oidcLogoutDeliveries.id, d.id));
    };
    const uri = uriOf.get(d.clientId);
    const token = uri ? await deps.signLogoutToken(d.clientId, d.subject, d.sid) : null;
    if (!uri || !token) {
      await finish({ failedAt: now, lastError: "the application or its back-channel logout URI is gone" });
      out.failed++;
      continue;
    }
    let error: string;
    let retry: boolean;
    try {
      const status = await deps.post(uri, { logout_token: token });
      if (status === 200 || status === 204) {
        await finish({ deliveredAt: now, lastError: null });
        out.delivered++;
        continue;
      }
      error = `HTTP ${status}`;
      retry = recoverable(status);
    } catch (e) {
      error = e instanceof Error ? e.message.slice(0, 300) : "request failed";
      retry = !(e instanceof PermanentDeliveryError);
    }
    if (retry && attempts < MAX_ATTEMPTS) {
      await finish({ lastError: error, nextAttemptAt: new Date(now.getTime() + RETRY_DELAYS_MS[attempts - 1]!) });
      out.retried++;
    } else {
      await finish({ lastError: error, failedAt: now });
      out.failed++;
      logger.warn("back-channel logout given up", { clientId: d.clientId, attempts, error });
    }
  }
  return out;
}

/** Delivered or abandoned rows older than a week. */
export async function sweepLogoutDeliveries(db: Db, now: Date): Promise<number> {
  const before = new Date(now.getTime() - 7 * 24 * 60 * 60_000);
  const rows = await db
    .delete(oidcLogoutDeliveries)
    .where(or(lt(oidcLogoutDeliveries.deliveredAt, before), lt(oidcLogoutDeliveries.failedAt, before)))
    .returning({ id: oidcLogoutDeliveries.id });
  return rows.length;
}
