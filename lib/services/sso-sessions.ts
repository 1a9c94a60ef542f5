import { and, eq, gt, isNull } from "drizzle-orm";
import type { Db } from "@/db";
import { ssoSessions, type SsoSession } from "@/db/schema";
import type { ValidatedAssertion } from "@/lib/saml";
import { hashBrowserSecret } from "./login-tickets";

/** As long as a Gatehouse session can live (lib/auth/session-cookie SESSION_MAX_AGE_SECONDS). */
const SSO_SESSION_TTL_MS = 8 * 60 * 60 * 1000;

/**
 * After a successful SSO sign-in: remember who the IdP said signed in (NameID, format, qualifiers,
 * SessionIndex), keyed by the hash of the browser-binding cookie the ACS sets, so that the ticket
 * hand-off can tie it to the session it starts. The row to insert, written with the login ticket.
 */
export function ssoSessionValues(input: {
  connectionId: string;
  userId: string;
  assertion: Pick<ValidatedAssertion, "nameId" | "nameIdFormat" | "nameQualifier" | "spNameQualifier" | "sessionIndex">;
  browserBinding: string;
  now: Date;
}): typeof ssoSessions.$inferInsert {
  const a = input.assertion;
  return {
    connectionId: input.connectionId,
    userId: input.userId,
    nameId: a.nameId,
    nameIdFormat: a.nameIdFormat,
    nameQualifier: a.nameQualifier,
    spNameQualifier: a.spNameQualifier,
    sessionIndex: a.sessionIndex,
    bindingHash: hashBrowserSecret(input.browserBinding),
    expiresAt: new Date(input.now.getTime() + SSO_SESSION_TTL_MS),
    createdAt: input.now,
  };
}

/**
 * The ticket hand-off (in the browser the ticket is bound to): claim the sign-in's SSO session for the
 * session being started. Only the same user and connection, once. Returns the id the session JWT carries.
 */
export async function claimSsoSession(
  db: Db,
  input: { browserBinding: string | null; userId: string; connectionId: string | null; now?: Date },
): Promise<string | null> {
  if (!input.browserBinding || !input.connectionId) return null;
  const [row] = await db
    .update(ssoSessions)
    .set({ bindingHash: null, claimedAt: input.now ?? new Date() })
    .where(
      and(
        eq(ssoSessions.bindingHash, hashBrowserSecret(input.browserBinding)),
        eq(ssoSessions.userId, input.userId),
        eq(ssoSessions.connectionId, input.connectionId),
        isNull(ssoSessions.claimedAt),
      ),
    )
    .returning({ id: ssoSessions.id });
  return row?.id ?? null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A session that carries an SSO session id lives only while that row is not ended (IdP logout ends it). */
export async function isSsoSessionLive(db: Db, sid: string, userId: string, now = new Date()): Promise<boolean> {
  if (!UUID.test(sid)) return false;
  const [row] = await db
    .select({ id: ssoSessions.id })
    .from(ssoSessions)
    .where(and(eq(ssoSessions.id, sid), eq(ssoSessions.userId, userId), isNull(ssoSessions.endedAt), gt(ssoSessions.expiresAt, now)));
  return !!row;
}

/** The live SSO session of a Gatehouse session, ended now (sign-out). Null when unknown or already ended. */
export async function endSsoSession(db: Db, sid: string, userId: string, now = new Date()): Promise<SsoSession | null> {
  if (!UUID.test(sid)) return null;
  const [row] = await db
    .update(ssoSessions)
    .set({ endedAt: now, endedReason: "sign_out" })
    .where(and(eq(ssoSessions.id, sid), eq(ssoSessions.userId, userId), isNull(ssoSessions.endedAt)))
    .returning();
  return row ?? null;
}
