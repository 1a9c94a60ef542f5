import { lt } from "drizzle-orm";
import type { Db } from "@/db";
import { consumedAssertions } from "@/db/schema";
import { env } from "@/lib/env";
import { AppError, isAppError, type ErrorCode } from "@/lib/errors";
import { validateSamlResponse, type ValidatedAssertion } from "@/lib/saml";
import { safeRelativePath } from "@/lib/schemas/connections";
import { logger } from "@/lib/logger";
import { consumeAuthnRequest, explainAuthnRequest, findAuthnRequestByRelayState, type AuthnRequestRow } from "./authn-requests";
import type { Connection } from "@/db/schema";
import { isConnectionConfigured } from "./connection-health";
import { findConnectionBySlug } from "./connections";
import { maybeRefreshStaleMetadata } from "./idp-metadata";
import { issueLoginTicket } from "./login-tickets";
import { spValues } from "./sp-values";
import { recordSsoEvent } from "./sso-events";
import { previewSsoProvisioning, provisionSsoUser } from "./sso-provisioning";

export type AcsInput = {
  slug: string;
  /** The base64 SAMLResponse form value (null when absent). */
  samlResponse: string | null;
  relayState: string | null;
  ip?: string | null;
  appUrl?: string;
  now?: Date;
};

export type AcsResult =
  | { ok: true; location: string; eventId: string; testMode: boolean; userId: string | null }
  /** `location` is set in test mode: failures are shown on the console's test result page. */
  | { ok: false; error: AppError; eventId: string | null; location: string | null };

type Scope = { connection: Connection; workspaceSlug: string } | null;

export function testResultPath(workspaceSlug: string, connectionId: string, eventId: string): string {
  return `/w/${encodeURIComponent(workspaceSlug)}/settings/sso/${connectionId}/test/${eventId}`;
}

/** Safe values for the event detail (no assertion, no keys). */
function identityDetail(a: ValidatedAssertion) {
  return { assertionId: a.id, issuer: a.issuer, nameId: a.nameId, nameIdFormat: a.nameIdFormat, inResponseTo: a.inResponseTo };
}

/**
 * The ACS use-case: validate the response for the connection the URL names, enforce InResponseTo /
 * unsolicited policy and one-time use in SQL, provision, and hand off through a login ticket.
 * Every attempt writes one sso_events row.
 */
export async function consumeSamlResponse(db: Db, input: AcsInput): Promise<AcsResult> {
  const now = input.now ?? new Date();
  const appUrl = input.appUrl ?? env().appUrl;
  let scope: Scope = null;
  let flow: "sp" | "idp" | null = null;
  let email: string | null = null;
  let testMode = false;
  const detail: Record<string, unknown> = {};

  const failWith = async (error: AppError): Promise<AcsResult> => {
    const ev = await recordSsoEvent(db, {
      workspaceId: scope?.connection.workspaceId ?? null,
      connectionId: scope?.connection.id ?? null,
      outcome: "failure",
      errorCode: error.code,
      email,
      flow,
      testMode,
      ip: input.ip ?? null,
      detail: { ...detail, ...(error.detail ?? {}) },
      now,
    });
    const location = testMode && scope ? testResultPath(scope.workspaceSlug, scope.connection.id, ev.id) : null;
    return { ok: false, error, eventId: ev.id, location };
  };
  const fail = (code: ErrorCode, extra?: Record<string, unknown>) => failWith(new AppError(code, { detail: extra }));

  const found = await findConnectionBySlug(db, input.slug);
  if (!found) return fail("SAML_NOT_FOUND", { slug: input.slug.slice(0, 80) });
  const { connection, workspace } = found;
  scope = { connection, workspaceSlug: workspace.slug };

  // A RelayState handle of a test-mode request routes even early failures to the test result page.
  const relayRequest = await findAuthnRequestByRelayState(db, connection.id, input.relayState);
  testMode = relayRequest?.testMode === true;
  if (!connection.active && !testMode) return fail("SAML_INACTIVE");
  if (!isConnectionConfigured(connection)) return fail("SAML_NOT_CONFIGURED");
  if (!input.samlResponse) return fail("SAML_MALFORMED", { reason: "no SAMLResponse form field" });
  void maybeRefreshStaleMetadata(db, connection, now);

  const sp = spValues(appUrl, connection.slug);
  const clockSkewSeconds = connection.clockSkewSeconds ?? env().samlClockSkewSeconds;
  const v = validateSamlResponse({
    samlResponse: input.samlResponse,
    expected: {
      spEntityId: sp.entityId,
      acsUrl: sp.acsUrl,
      idpEntityId: connection.idpEntityId!,
      idpCertificatesPem: connection.idpCertificates.map((c) => c.pem),
      allowSha1: connection.allowSha1,
      clockSkewSeconds,
    },
    now,
  });
  if (!v.ok) return fail(v.code, v.detail);
  const a = v.assertion;
  Object.assign(detail, identityDetail(a));
  email = a.email;
  flow = a.inResponseTo ? "sp" : "idp";
  if (!a.inResponseTo) {
    testMode = false; // test mode only through a stored (signed-for) request
    if (!connection.allowIdpInitiated)
      return fail("SAML_UNSOLICITED", { expected: "InResponseTo of a sign-in started here", actual: null });
  }

  // One-time use and InResponseTo, decided by the database (correct across instances).
  let request: AuthnRequestRow | null = null;
  const recordAssertion = async (q: Db) => {
    const inserted = await q
      .insert(consumedAssertions)
      .values({
        connectionId: connection.id,
        assertionId: a.id,
        expiresAt: new Date(a.notOnOrAfter.getTime() + (clockSkewSeconds + 60) * 1000),
        createdAt: now,
      })
      .onConflictDoNothing()
      .returning({ assertionId: consumedAssertions.assertionId });
    if (!inserted.length) throw new AppError("SAML_REPLAY", { detail: { assertionId: a.id } });
  };
  // Unsolicited: one atomic INSERT decides. SP-initiated: the INSERT and the request's consumption commit together.
  const consumeOnce = async (inResponseTo: string | null): Promise<AuthnRequestRow | null> => {
    if (!inResponseTo) return recordAssertion(db).then(() => null);
    return db.transaction(async (tx) => {
      await recordAssertion(tx);
      const req = await consumeAuthnRequest(tx, { id: inResponseTo, connectionId: connection.id, now });
      if (req) return req;
      const reason = await explainAuthnRequest(tx, { id: inResponseTo, connectionId: connection.id, now });
      throw new AppError("SAML_IN_RESPONSE_TO_INVALID", { detail: { inResponseTo, reason } });
    });
  };
  try {
    request = await consumeOnce(a.inResponseTo);
  } catch (e) {
    if (isAppError(e)) return failWith(e);
    throw e;
  }
  testMode = request?.testMode === true;
  if (!connection.active && !testMode) return fail("SAML_INACTIVE");
  if (Math.random() < 0.01) await db.delete(consumedAssertions).where(lt(consumedAssertions.expiresAt, now));

  if (!a.email) return fail("SAML_MISSING_EMAIL", { nameId: a.nameId, attributeNames: Object.keys(a.attributes).slice(0, 50) });
  const provisionInput = {
    workspace,
    connection,
    identity: { nameId: a.nameId, email: a.email, firstName: a.firstName, lastName: a.lastName, attributes: a.attributes },
    now,
    ip: input.ip ?? null,
  };

  if (testMode) {
    const preview = await previewSsoProvisioning(db, provisionInput);
    const testDetail = {
      ...detail,
      attributes: a.attributes,
      nameId: a.nameId,
      email: a.email,
      firstName: a.firstName,
      lastName: a.lastName,
      role: preview.role,
      matchedRule: preview.matchedRule,
      mapping: preview.mapping,
      outcome: preview.outcome,
    };
    Object.assign(detail, testDetail);
    if (preview.error) return failWith(new AppError(preview.error.code, { hint: preview.error.hint }));
    const ev = await recordSsoEvent(db, {
      workspaceId: workspace.id,
      connectionId: connection.id,
      outcome: "success",
      email,
      flow,
      testMode: true,
      ip: input.ip ?? null,
      detail: testDetail,
      now,
    });
    return { ok: true, location: testResultPath(workspace.slug, connection.id, ev.id), eventId: ev.id, testMode: true, userId: null };
  }

  let provisioned: Awaited<ReturnType<typeof provisionSsoUser>>;
  try {
    provisioned = await provisionSsoUser(db, provisionInput);
  } catch (e) {
    if (isAppError(e)) return failWith(e);
    logger.error("SSO provisioning failed", { err: e, connectionId: connection.id });
    return fail("INTERNAL");
  }
  const returnTo =
    safeRelativePath(request?.returnTo) ??
    (flow === "idp" ? safeRelativePath(input.relayState) : null) ??
    safeRelativePath(connection.defaultRedirect) ??
    "/";
  const ticket = await issueLoginTicket(db, { userId: provisioned.user.id, returnTo, now });
  const ev = await recordSsoEvent(db, {
    workspaceId: workspace.id,
    connectionId: connection.id,
    outcome: "success",
    email,
    flow,
    userId: provisioned.user.id,
    ip: input.ip ?? null,
    detail: { ...detail, role: provisioned.role, matchedRule: provisioned.matchedRule, userCreated: provisioned.userCreated },
    now,
  });
  return {
    ok: true,
    location: `/auth/sso/complete?ticket=${encodeURIComponent(ticket)}`,
    eventId: ev.id,
    testMode: false,
    userId: provisioned.user.id,
  };
}

/** An ACS request refused before the response could be read (e.g. the body cap): still one event. */
export async function recordAcsRejection(
  db: Db,
  input: { slug: string; error: AppError; ip?: string | null; now?: Date },
): Promise<string> {
  const found = await findConnectionBySlug(db, input.slug);
  const ev = await recordSsoEvent(db, {
    workspaceId: found?.connection.workspaceId ?? null,
    connectionId: found?.connection.id ?? null,
    outcome: "failure",
    errorCode: input.error.code,
    ip: input.ip ?? null,
    detail: input.error.detail ?? {},
    now: input.now,
  });
  return ev.id;
}
