import { randomBytes, randomUUID } from "node:crypto";
import type { Db } from "@/db";
import { sendWithCommit } from "@/db/pipelined-transaction";
import { isDatabaseUnavailable } from "@/lib/db-unavailable";
import { AppError, isAppError, type ErrorCode } from "@/lib/errors";
import type { ValidatedAssertion } from "@/lib/saml";
import { safeRelativePath } from "@/lib/schemas/connections";
import { logger } from "@/lib/logger";
import { launchPath } from "@/lib/oidc/paths";
import type { AuthnRequestRow } from "./authn-requests";
import type { ConnectionWithWorkspace } from "./connections";
import { loginTickets, ssoEvents, ssoSessions } from "@/db/schema";
import { newLoginTicket } from "./login-tickets";
import { ssoSessionValues } from "./sso-sessions";
import { recordSsoEvent, ssoEventValues } from "./sso-events";
import { mayRecordUnsignedFailure } from "./unsigned-acs-requests";
import { previewSsoProvisioning, provisionSsoUser, type SsoIdentity } from "./sso-provisioning";
import type { ProvisionPlan } from "./sso-provisioning-plan";

/**
 * The two ends of an ACS attempt, once the response is valid, and how any attempt fails:
 * - previewTestSignIn: a console test; reports what a sign-in would do and writes nothing else;
 * - completeSignIn: a real sign-in; provisions and hands off through a browser-bound login ticket;
 * - failAttempt: one failure event, then the test result page or the SAML error page.
 */

/**
 * What the ACS route answers, decided by the use-case:
 * - redirect: 303 to `location` (the ticket hand-off of a sign-in, or the console's test result page,
 *   for success and failure alike); a sign-in's redirect carries the value of the cookie that binds
 *   the ticket to this browser (`browserBinding`), which the route sets;
 * - page: the SAML error page with the error, the event reference and a "try again" link.
 */
export type AcsOutcome =
  | {
      kind: "redirect";
      location: string;
      eventId: string;
      mode: "sign_in" | "test";
      /** Test mode: the failure the result page shows (null: the test succeeded, or a real sign-in). */
      errorCode: ErrorCode | null;
      browserBinding: string | null;
      /** A real sign-in: who was signed in. */
      userId: string | null;
    }
  | { kind: "page"; error: AppError; eventId: string | null; retryUrl: string | null };

/** The connection the URL named, and the mode decided once from the RelayState. */
export type AcsScope = ConnectionWithWorkspace & { mode: "sign_in" | "test" };

/** What the valid assertion showed, for the event rows (safe values only). */
export type AcsSeen = { flow: "sp" | "idp"; email: string | null; detail: Record<string, unknown> };

export type AcsBase = { db: Db; slug: string; ip: string | null; now: Date };

type ValidContext = AcsBase & { scope: AcsScope; seen: AcsSeen; identity: SsoIdentity };

export function testResultPath(workspaceSlug: string, connectionId: string, eventId: string): string {
  return `/w/${encodeURIComponent(workspaceSlug)}/settings/sso/${connectionId}/test/${eventId}`;
}

/** Safe values of a valid assertion for the event detail (no assertion, no keys). */
export function seenOf(a: ValidatedAssertion): AcsSeen {
  return {
    flow: a.inResponseTo ? "sp" : "idp",
    email: a.email,
    detail: { assertionId: a.id, issuer: a.issuer, nameId: a.nameId, nameIdFormat: a.nameIdFormat, inResponseTo: a.inResponseTo },
  };
}

/** Failures that a fresh sign-in cannot fix get no "try again" link. */
const NO_RETRY: ReadonlySet<ErrorCode> = new Set(["SAML_NOT_FOUND", "SAML_INACTIVE", "SAML_NOT_CONFIGURED"]);

/**
 * One failed attempt: one sso_events row, then the test result page (test mode) or the error page.
 * `signatureVerified`: the response carried a valid signature of the connection's IdP (always so
 * once an assertion was `seen`). Anything else is unauthenticated input anyone can send: its events
 * are recorded under a shared budget (see recordUnsignedFailure), so they cannot bloat the database.
 */
export async function failAttempt(
  scope: AcsScope | null,
  base: AcsBase,
  error: AppError,
  seen: AcsSeen | null,
  signatureVerified: boolean = seen !== null,
): Promise<AcsOutcome> {
  const record =
    scope?.mode === "test" || signatureVerified || (await mayRecordUnsignedFailure(base.db, scope?.connection.id ?? null, base.now));
  if (!record) {
    const retryUrl = NO_RETRY.has(error.code) ? null : `/auth/sso/saml/${encodeURIComponent(base.slug)}/login`;
    return { kind: "page", error, eventId: null, retryUrl };
  }
  const ev = await recordSsoEvent(base.db, {
    signatureVerified,
    workspaceId: scope?.connection.workspaceId ?? null,
    connectionId: scope?.connection.id ?? null,
    outcome: "failure",
    errorCode: error.code,
    email: seen?.email ?? null,
    flow: seen?.flow ?? null,
    testMode: scope?.mode === "test",
    ip: base.ip,
    detail: { ...(seen?.detail ?? {}), ...(error.detail ?? {}) },
    now: base.now,
  });
  if (scope?.mode === "test") {
    const location = testResultPath(scope.workspace.slug, scope.connection.id, ev.id);
    return { kind: "redirect", location, eventId: ev.id, mode: "test", errorCode: error.code, browserBinding: null, userId: null };
  }
  const retryUrl = NO_RETRY.has(error.code) ? null : `/auth/sso/saml/${encodeURIComponent(base.slug)}/login`;
  return { kind: "page", error, eventId: ev.id, retryUrl };
}

/** Test mode: what the sign-in would do (role, matched rule, outcome), shown on the console's result page. Nothing is provisioned. */
export async function previewTestSignIn(ctx: ValidContext): Promise<AcsOutcome> {
  const { scope, identity } = ctx;
  const preview = await previewSsoProvisioning(ctx.db, {
    workspace: scope.workspace,
    connection: scope.connection,
    identity,
    now: ctx.now,
    ip: ctx.ip,
  });
  const detail = {
    ...ctx.seen.detail,
    attributes: identity.attributes,
    nameId: identity.nameId,
    email: identity.email,
    firstName: identity.firstName,
    lastName: identity.lastName,
    role: preview.role,
    matchedRule: preview.matchedRule,
    mapping: preview.mapping,
    outcome: preview.outcome,
  };
  const seen = { ...ctx.seen, detail };
  if (preview.error) return failAttempt(scope, ctx, new AppError(preview.error.code, { hint: preview.error.hint }), seen);
  const ev = await recordSsoEvent(ctx.db, {
    workspaceId: scope.workspace.id,
    connectionId: scope.connection.id,
    outcome: "success",
    signatureVerified: true,
    email: identity.email,
    flow: ctx.seen.flow,
    testMode: true,
    ip: ctx.ip,
    detail,
    now: ctx.now,
  });
  return {
    kind: "redirect",
    location: testResultPath(scope.workspace.slug, scope.connection.id, ev.id),
    eventId: ev.id,
    mode: "test",
    errorCode: null,
    browserBinding: null,
    userId: null,
  };
}

/**
 * A real sign-in: provision, then a login ticket bound to this browser (a fresh random value whose
 * hash the ticket keeps; the route sets it as a cookie) and, when the sign-in was started here, to the
 * login nonce of the browser that started it.
 */
export async function completeSignIn(
  ctx: ValidContext,
  input: {
    request: AuthnRequestRow | null;
    relayState: string | null;
    assertion: ValidatedAssertion;
    /** The provisioning plan, when the caller already sent its reads (lockAndPlan). */
    planned?: Promise<ProvisionPlan> | null;
  },
): Promise<AcsOutcome> {
  const { scope, identity } = ctx;
  let provisioned: Awaited<ReturnType<typeof provisionSsoUser>>;
  try {
    provisioned = await provisionSsoUser(
      ctx.db,
      { workspace: scope.workspace, connection: scope.connection, identity, now: ctx.now, ip: ctx.ip },
      input.planned ?? undefined,
    );
  } catch (e) {
    if (isAppError(e)) return failAttempt(scope, ctx, e, ctx.seen);
    // No event can be written either: the route answers 503 (DB_UNAVAILABLE).
    if (isDatabaseUnavailable(e)) throw e;
    logger.error("SSO provisioning failed", { err: e, connectionId: scope.connection.id });
    return failAttempt(scope, ctx, new AppError("INTERNAL"), ctx.seen);
  }
  const returnTo =
    safeRelativePath(input.request?.returnTo) ??
    // IdP-initiated, and the connection names a default application: continue into that application.
    (ctx.seen.flow === "idp" && scope.connection.defaultApplicationId ? launchPath(scope.connection.defaultApplicationId) : null) ??
    (ctx.seen.flow === "idp" ? safeRelativePath(input.relayState) : null) ??
    safeRelativePath(scope.connection.defaultRedirect) ??
    "/";
  const browserBinding = randomBytes(32).toString("base64url");
  const { ticket, values: ticketRow } = newLoginTicket({
    userId: provisioned.user.id,
    returnTo,
    browserBinding,
    loginNonceHash: input.request?.browserNonceHash ?? null,
    connectionId: scope.connection.id,
    now: ctx.now,
  });
  const eventId = randomUUID();
  const event = ssoEventValues({
    workspaceId: scope.workspace.id,
    connectionId: scope.connection.id,
    outcome: "success",
    signatureVerified: true,
    email: identity.email,
    flow: ctx.seen.flow,
    userId: provisioned.user.id,
    ip: ctx.ip,
    detail: {
      ...ctx.seen.detail,
      role: provisioned.role,
      matchedRule: provisioned.matchedRule,
      userCreated: provisioned.userCreated,
      ...(provisioned.foreignLinksRemoved ? { foreignLinksRemoved: provisioned.foreignLinksRemoved } : {}),
    },
    now: ctx.now,
  });
  // The ticket, the SSO session (single logout: this sign-in's NameID and SessionIndex) and the success
  // event in one statement (a data-modifying WITH runs exactly once, read or not). Its ids are made
  // here, so nothing waits for its answer: it goes with the commit, which fails if it fails.
  const issued = ctx.db
    .$with("issued_ticket")
    .as(ctx.db.insert(loginTickets).values(ticketRow).returning({ tokenHash: loginTickets.tokenHash }));
  const session = ctx.db.$with("sso_session").as(
    ctx.db
      .insert(ssoSessions)
      .values(
        ssoSessionValues({
          connectionId: scope.connection.id,
          userId: provisioned.user.id,
          assertion: input.assertion,
          browserBinding,
          now: ctx.now,
        }),
      )
      .returning({ id: ssoSessions.id }),
  );
  sendWithCommit(
    ctx.db,
    ctx.db
      .with(issued, session)
      .insert(ssoEvents)
      .values({ ...event, id: eventId }),
  );
  return {
    kind: "redirect",
    location: `/auth/sso/complete?ticket=${encodeURIComponent(ticket)}`,
    eventId,
    mode: "sign_in",
    errorCode: null,
    browserBinding,
    userId: provisioned.user.id,
  };
}

/** The failure an outcome reports (error page, or a test's result page), or null when it succeeded. */
export function failureOf(o: AcsOutcome): ErrorCode | null {
  return o.kind === "page" ? o.error.code : o.errorCode;
}
