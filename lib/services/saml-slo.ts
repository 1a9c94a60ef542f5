import { randomBytes } from "node:crypto";
import { and, eq, gt, isNull } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, consumedAssertions, logoutRequests, ssoSessions, type Connection } from "@/db/schema";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { buildLogoutRequest, buildLogoutResponse, LOGOUT_STATUS, type BuiltLogoutMessage } from "@/lib/saml/logout-messages";
import { validateLogoutMessage, type IncomingLogout, type VerifiedLogoutRequest } from "@/lib/saml/logout-validate";
import { endAccess } from "./access-revocation";
import { isConnectionConfigured } from "./connection-health";
import { findConnectionBySlug, type ConnectionWithWorkspace } from "./connections";
import { endSsoSession } from "./sso-sessions";
import { getActiveSigningKey } from "./sp-keys";
import { spValues } from "./sp-values";

export const LOGOUT_REQUEST_TTL_SECONDS = 10 * 60;

/** Where sign-out lands: the login page with how the sign-out went. */
export type SignedOutState = "local" | "idp" | "idp_partial" | "idp_unconfirmed";
export const signedOutPath = (state: SignedOutState) => `/login?signed_out=${state}`;

/**
 * SP-initiated single logout, after the Gatehouse session was ended: end the SSO session the JWT
 * named (`sid`), and when its connection has an IdP single logout URL, store a LogoutRequest and
 * build it signed for the IdP. Null: sign-out stays local.
 */
export async function startSpLogout(
  db: Db,
  input: { sid: string | null; userId: string; appUrl: string; now?: Date },
): Promise<BuiltLogoutMessage | null> {
  const now = input.now ?? new Date();
  if (!input.sid) return null;
  const ended = await endSsoSession(db, input.sid, input.userId, now);
  if (!ended) return null;
  const c = await findConnectionById(db, ended.connectionId);
  if (!c || !c.idpSloUrl || !c.active) return null;
  const id = `_${randomBytes(20).toString("hex")}`;
  await db.insert(logoutRequests).values({
    id,
    connectionId: c.id,
    ssoSessionId: ended.id,
    expiresAt: new Date(now.getTime() + LOGOUT_REQUEST_TTL_SECONDS * 1000),
    createdAt: now,
  });
  const key = await getActiveSigningKey(db, c.id);
  return buildLogoutRequest({
    id,
    spEntityId: spValues(input.appUrl, c.slug).entityId,
    idpSloUrl: c.idpSloUrl,
    subject: ended,
    binding: "redirect",
    relayState: null,
    signingKeyPem: key.privateKeyPem,
    now,
  });
}

async function findConnectionById(db: Db, id: string): Promise<Connection | undefined> {
  const [row] = await db.select().from(connections).where(eq(connections.id, id));
  return row;
}

/**
 * What the SLO endpoint answers:
 * - message: a signed LogoutResponse for the IdP (after an IdP-initiated LogoutRequest);
 * - signed_out: the signed-out page (after the IdP's LogoutResponse, or when the IdP has no SLO URL);
 * - page: the SAML error page.
 */
export type SloOutcome =
  | { kind: "message"; message: BuiltLogoutMessage; sessionsEnded: number }
  | { kind: "signed_out"; location: string; sessionsEnded: number }
  | { kind: "page"; error: AppError };

/** The SLO endpoint (/auth/sso/saml/{slug}/slo), both bindings, both message kinds. */
export async function handleSloMessage(
  db: Db,
  input: { slug: string; incoming: IncomingLogout; appUrl?: string; ip?: string | null; now?: Date },
): Promise<SloOutcome> {
  const now = input.now ?? new Date();
  const appUrl = input.appUrl ?? env().appUrl;
  const found = await findConnectionBySlug(db, input.slug);
  if (!found) return { kind: "page", error: new AppError("SAML_NOT_FOUND") };
  const c = found.connection;
  if (!isConnectionConfigured(c)) return { kind: "page", error: new AppError("SAML_NOT_CONFIGURED") };
  const sp = spValues(appUrl, c.slug);
  const clockSkewSeconds = c.clockSkewSeconds ?? env().samlClockSkewSeconds;
  const v = validateLogoutMessage({
    incoming: input.incoming,
    expected: {
      idpEntityId: c.idpEntityId!,
      spSloUrl: sp.sloUrl,
      idpCertificatesPem: c.idpCertificates.map((x) => x.pem),
      allowSha1: c.allowSha1,
      clockSkewSeconds,
    },
    now,
  });
  const refuse = (code: ConstructorParameters<typeof AppError>[0], detail?: Record<string, unknown>): SloOutcome => {
    logger.info("single logout refused", { slug: c.slug, code, detail, ip: input.ip ?? null });
    return { kind: "page", error: new AppError(code, { detail }) };
  };
  if (!v.ok) return refuse(v.code, v.detail);
  const m = v.message;

  if (m.kind === "LogoutResponse") {
    const [req] = await db
      .update(logoutRequests)
      .set({ usedAt: now })
      .where(
        and(
          eq(logoutRequests.id, m.inResponseTo),
          eq(logoutRequests.connectionId, c.id),
          isNull(logoutRequests.usedAt),
          gt(logoutRequests.expiresAt, now),
        ),
      )
      .returning({ id: logoutRequests.id });
    if (!req) return refuse("SAML_SLO_IN_RESPONSE_TO_INVALID", { inResponseTo: m.inResponseTo.slice(0, 100) });
    const state: SignedOutState = m.statusCode === LOGOUT_STATUS.success ? "idp" : "idp_partial";
    if (state === "idp_partial") logger.info("IdP reported a failed logout", { slug: c.slug, status: m.statusCode, sub: m.subStatusCode });
    return { kind: "signed_out", location: signedOutPath(state), sessionsEnded: 0 };
  }

  // An IdP-initiated LogoutRequest: once only (the replay store), then end the matching sessions.
  const inserted = await db
    .insert(consumedAssertions)
    .values({ connectionId: c.id, assertionId: `slo:${m.id}`, expiresAt: new Date(m.acceptedUntil.getTime() + 60_000), createdAt: now })
    .onConflictDoNothing()
    .returning({ id: consumedAssertions.assertionId });
  if (!inserted.length) return refuse("SAML_SLO_REPLAY", { id: m.id.slice(0, 100) });
  const result = await endSessionsForLogoutRequest(db, found, m, now);
  if (!c.idpSloUrl) {
    // Nowhere to send the answer: the sessions ended; say so on the signed-out page.
    return { kind: "signed_out", location: signedOutPath("local"), sessionsEnded: result.ended };
  }
  const key = await getActiveSigningKey(db, c.id);
  const message = buildLogoutResponse({
    spEntityId: sp.entityId,
    idpSloUrl: c.idpSloUrl,
    inResponseTo: m.id,
    status: result.known
      ? { code: LOGOUT_STATUS.success }
      : {
          code: LOGOUT_STATUS.requester,
          subCode: LOGOUT_STATUS.unknownPrincipal,
          message: "No session of this NameID at this service provider",
        },
    binding: "redirect",
    relayState: v.relayState,
    signingKeyPem: key.privateKeyPem,
    now,
  });
  return { kind: "message", message, sessionsEnded: result.ended };
}

/**
 * End this connection's sessions of the NameID the IdP named: those of the given SessionIndex(es), or
 * every one of that NameID when none is given. Each person's access in this workspace ends through
 * endAccess (OIDC grants of the workspace, back-channel logout to applications). `known`: the NameID
 * ever signed in through this connection (else the IdP gets UnknownPrincipal).
 */
export async function endSessionsForLogoutRequest(
  db: Db,
  found: ConnectionWithWorkspace,
  m: Pick<VerifiedLogoutRequest, "nameId" | "nameIdFormat" | "nameQualifier" | "spNameQualifier" | "sessionIndexes">,
  now: Date,
): Promise<{ ended: number; known: boolean }> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .select()
      .from(ssoSessions)
      .where(and(eq(ssoSessions.connectionId, found.connection.id), eq(ssoSessions.nameId, m.nameId)));
    // Qualifiers and format must agree when both sides name them (the same NameID value in another namespace is another person).
    const same = (a: string | null, b: string | null) => a === null || b === null || a === b;
    const matching = rows.filter(
      (r) => same(r.nameIdFormat, m.nameIdFormat) && same(r.nameQualifier, m.nameQualifier) && same(r.spNameQualifier, m.spNameQualifier),
    );
    const toEnd = matching.filter(
      (r) =>
        r.endedAt === null && (m.sessionIndexes.length === 0 || (r.sessionIndex !== null && m.sessionIndexes.includes(r.sessionIndex))),
    );
    for (const r of toEnd) {
      await tx
        .update(ssoSessions)
        .set({ endedAt: now, endedReason: "idp_logout" })
        .where(and(eq(ssoSessions.id, r.id), isNull(ssoSessions.endedAt)));
    }
    for (const userId of new Set(toEnd.map((r) => r.userId))) {
      await endAccess(tx, { userId, workspaceId: found.workspace.id, reason: "single_logout" });
    }
    return { ended: toEnd.length, known: matching.length > 0 };
  });
}
