import type { Db } from "@/db";
import { pipelinedTransaction } from "@/db/pipelined-transaction";
import { consumedAssertions } from "@/db/schema";
import { env } from "@/lib/env";
import { AppError, isAppError, type ErrorCode } from "@/lib/errors";
import { validateSamlResponse, type ValidatedAssertion } from "@/lib/saml";
import { decodeBase64Strict } from "@/lib/saml/decode";
import { consumeAuthnRequest, explainAuthnRequest, findAuthnRequestByRelayState, type AuthnRequestRow } from "./authn-requests";
import { isConnectionConfigured } from "./connection-health";
import { findConnectionBySlug, type ConnectionWithWorkspace } from "./connections";
import { maybeRefreshStaleMetadata } from "./idp-metadata";
import {
  completeSignIn,
  failAttempt,
  previewTestSignIn,
  seenOf,
  type AcsBase,
  type AcsOutcome,
  type AcsScope,
  type AcsSeen,
} from "./saml-acs-outcomes";
import { spValues } from "./sp-values";
import { lockAndPlan } from "./sso-provisioning";
import { finishSetupLinkTest } from "./setup-link-test";
import { getDecryptionKeys } from "./sp-encryption-keys";

export type AcsInput = {
  slug: string;
  /** The base64 SAMLResponse form value (null when absent). */
  samlResponse: string | null;
  relayState: string | null;
  ip?: string | null;
  appUrl?: string;
  now?: Date;
  /** The connection the slug names, when the caller already looked it up in this request (null: none). */
  found?: ConnectionWithWorkspace | null;
};

export type { AcsOutcome } from "./saml-acs-outcomes";
export { failureOf, testResultPath } from "./saml-acs-outcomes";

/**
 * The ACS use-case: pick the connection by the URL's slug, decide the mode once (a RelayState that
 * names a stored test request of this connection means a console test; anything else is a real
 * sign-in), validate the response, enforce unsolicited policy, InResponseTo and one-time use in SQL,
 * then either preview (test) or provision and hand off through a browser-bound login ticket
 * (sign-in). Every attempt writes one sso_events row.
 */
export async function consumeSamlResponse(db: Db, input: AcsInput): Promise<AcsOutcome> {
  return finishSetupLinkTest(db, input, await consumeOnceValidated(db, input));
}

async function consumeOnceValidated(db: Db, input: AcsInput): Promise<AcsOutcome> {
  const base = { db, slug: input.slug, ip: input.ip ?? null, now: input.now ?? new Date() };
  const appUrl = input.appUrl ?? env().appUrl;

  const found = input.found !== undefined ? input.found : await findConnectionBySlug(db, input.slug);
  if (!found || found.connection.slug !== input.slug)
    return failAttempt(null, base, new AppError("SAML_NOT_FOUND", { detail: { slug: input.slug.slice(0, 80) } }), null);
  const { connection, workspace } = found;
  const relayRequest = await findAuthnRequestByRelayState(db, connection.id, input.relayState);
  const scope: AcsScope = { connection, workspace, mode: relayRequest?.testMode ? "test" : "sign_in" };
  const fail = (code: ErrorCode, seen: AcsSeen | null, detail?: Record<string, unknown>) =>
    failAttempt(scope, base, new AppError(code, { detail }), seen);

  if (scope.mode === "sign_in" && !connection.active) return fail("SAML_INACTIVE", null);
  if (!isConnectionConfigured(connection)) return fail("SAML_NOT_CONFIGURED", null);
  if (!input.samlResponse) return fail("SAML_MALFORMED", null, { reason: "no SAMLResponse form field" });
  void maybeRefreshStaleMetadata(db, connection, base.now);

  const sp = spValues(appUrl, connection.slug);
  const clockSkewSeconds = connection.clockSkewSeconds ?? env().samlClockSkewSeconds;
  // Keys are read only for a response that carries an EncryptedAssertion (an element name cannot be
  // escaped in XML, so its absence from the decoded bytes means there is nothing to decrypt).
  const decryptionKeysPem = mayCarryEncryptedAssertion(input.samlResponse) ? await getDecryptionKeys(db, connection.id) : [];
  const v = validateSamlResponse({
    samlResponse: input.samlResponse,
    expected: {
      spEntityId: sp.entityId,
      acsUrl: sp.acsUrl,
      idpEntityId: connection.idpEntityId!,
      idpCertificatesPem: connection.idpCertificates.map((c) => c.pem),
      allowSha1: connection.allowSha1,
      clockSkewSeconds,
      decryptionKeysPem,
      requireEncryptedAssertions: connection.requireEncryptedAssertions,
    },
    now: base.now,
  });
  // A failure found after the IdP's signature verified was sent by that IdP: it counts for health.
  if (!v.ok) return failAttempt(scope, base, new AppError(v.code, { detail: v.detail }), null, v.signatureVerified === true);
  const a = v.assertion;
  const seen = seenOf(a);
  if (!a.inResponseTo && !connection.allowIdpInitiated) {
    return fail("SAML_UNSOLICITED", seen, { expected: "InResponseTo of a sign-in started here", actual: null });
  }

  // A real sign-in commits as one transaction: the assertion's one-time use, the request's
  // consumption, provisioning, the login ticket and the event (a failure leaves nothing half-done;
  // a refusal keeps the assertion used, with its failure event). A test only reads, then records.
  // The transaction is pipelined (issue 16): BEGIN goes with the first statements, COMMIT with the last.
  if (scope.mode === "test")
    return afterValidation(db, { base, scope, a, seen, clockSkewSeconds, relayRequest, relayState: input.relayState });
  return pipelinedTransaction(db, (tx) =>
    afterValidation(tx, { base: { ...base, db: tx }, scope, a, seen, clockSkewSeconds, relayRequest, relayState: input.relayState }),
  );
}

async function afterValidation(
  db: Db,
  o: {
    base: AcsBase;
    scope: AcsScope;
    a: ValidatedAssertion;
    seen: AcsSeen;
    clockSkewSeconds: number;
    relayRequest: AuthnRequestRow | null | undefined;
    relayState: string | null;
  },
): Promise<AcsOutcome> {
  const { base, scope, a, seen } = o;
  const fail = (code: ErrorCode, detail?: Record<string, unknown>) => failAttempt(scope, base, new AppError(code, { detail }), seen);
  const consumed = consumeOnce(db, {
    connectionId: scope.connection.id,
    assertion: a,
    clockSkewSeconds: o.clockSkewSeconds,
    now: base.now,
  });
  const identity = a.email
    ? { nameId: a.nameId, email: a.email, firstName: a.firstName, lastName: a.lastName, attributes: a.attributes }
    : null;
  const provisionInput = identity && { workspace: scope.workspace, connection: scope.connection, identity, now: base.now, ip: base.ip };
  // A sign-in's provisioning lock and facts go out behind the one-time use, without waiting for it
  // (one round trip for both); they are used only if the assertion was not used before.
  const planned = scope.mode === "sign_in" && provisionInput ? lockAndPlan(db, provisionInput) : null;
  planned?.catch(() => {}); // a refused attempt never reads it
  let request: AuthnRequestRow | null;
  try {
    request = await consumed;
  } catch (e) {
    if (isAppError(e)) return failAttempt(scope, base, e, seen);
    throw e;
  }
  // The mode was decided by the RelayState: the response must answer that very request.
  if (scope.mode === "test" && request?.id !== o.relayRequest?.id) {
    return fail("SAML_IN_RESPONSE_TO_INVALID", { reason: "a test sign-in must answer its own test request" });
  }
  if (scope.mode === "sign_in" && request?.testMode) {
    return fail("SAML_IN_RESPONSE_TO_INVALID", { reason: "this answers a test sign-in, but its RelayState is missing" });
  }
  if (!identity) return fail("SAML_MISSING_EMAIL", { nameId: a.nameId, attributeNames: Object.keys(a.attributes).slice(0, 50) });

  const ctx = { ...base, scope, seen, identity };
  if (scope.mode === "test") return previewTestSignIn(ctx);
  return completeSignIn(ctx, { request, relayState: o.relayState, assertion: a, planned });
}

/**
 * One-time use and InResponseTo, decided by the database (correct across instances). Unsolicited: one
 * atomic INSERT decides. SP-initiated: the INSERT and the request's consumption commit together.
 */
async function consumeOnce(
  db: Db,
  input: { connectionId: string; assertion: ValidatedAssertion; clockSkewSeconds: number; now: Date },
): Promise<AuthnRequestRow | null> {
  const { assertion: a, connectionId, now } = input;
  const recordAssertion = async (q: Db) => {
    const inserted = await q
      .insert(consumedAssertions)
      .values({
        connectionId,
        assertionId: a.id,
        expiresAt: new Date(a.notOnOrAfter.getTime() + (input.clockSkewSeconds + 60) * 1000),
        createdAt: now,
      })
      .onConflictDoNothing()
      .returning({ assertionId: consumedAssertions.assertionId })
      .execute(); // sent now, ahead of whatever the caller sends next
    if (!inserted.length) throw new AppError("SAML_REPLAY", { detail: { assertionId: a.id } });
  };
  const inResponseTo = a.inResponseTo;
  if (!inResponseTo) return recordAssertion(db).then(() => null);
  return db.transaction(async (tx) => {
    // Both sent at once; a replay's savepoint takes the request's consumption back with it.
    const [, req] = await Promise.all([recordAssertion(tx), consumeAuthnRequest(tx, { id: inResponseTo, connectionId, now })]);
    if (req) return req;
    const reason = await explainAuthnRequest(tx, { id: inResponseTo, connectionId, now });
    throw new AppError("SAML_IN_RESPONSE_TO_INVALID", { detail: { inResponseTo, reason } });
  });
}

/** An ACS request refused before the response could be read (e.g. the body cap): still one event, and the error page. */
export async function rejectAcsRequest(
  db: Db,
  input: { slug: string; error: AppError; ip?: string | null; now?: Date },
): Promise<AcsOutcome> {
  const found = await findConnectionBySlug(db, input.slug);
  const scope: AcsScope | null = found ? { connection: found.connection, workspace: found.workspace, mode: "sign_in" } : null;
  return failAttempt(scope, { db, slug: input.slug, ip: input.ip ?? null, now: input.now ?? new Date() }, input.error, null);
}

function mayCarryEncryptedAssertion(samlResponse: string): boolean {
  // The validator's own decoding (whitespace removed, strict base64); undecodable input is refused there.
  return decodeBase64Strict(samlResponse)?.includes("EncryptedAssertion") ?? false;
}
