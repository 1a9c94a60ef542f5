/**
 * POST /auth/sso/saml/{slug}/acs as a Web Request → Response: the rate limits, the form (size-capped,
 * single-valued), the ACS use-case, and its outcome as HTTP. One function for both places that serve
 * it: the Node server in front of Next (server/sso/mount.ts, the hot path) and Next's route
 * handler (the same answer if a request ever reaches Next, e.g. in `next dev` tooling or tests).
 */
import type { Db } from "@/db";
import { env } from "@/lib/env";
import { databaseUnavailable, isDatabaseUnavailable } from "@/lib/db-unavailable";
import { AppError, isAppError } from "@/lib/errors";
import { clientIp } from "@/lib/http/client-ip";
import { logger } from "@/lib/logger";
import { readSamlPostForm } from "@/lib/http/read-form";
import { samlErrorResponse } from "@/lib/http/saml-pages";
import { SSO_TICKET_COOKIE_MAX_AGE_SECONDS, ssoCookieHeader, ssoTicketCookieName } from "@/lib/http/sso-cookies";
import { consumeSamlResponse, rejectAcsRequest, type AcsOutcome } from "@/lib/services/saml-acs";
import { assertSsoRateLimit } from "@/lib/services/sso-rate-limits";

/** The use-case's outcome as HTTP: a 303 (with the ticket's browser cookie for a sign-in), or the error page. */
function toResponse(outcome: AcsOutcome): Response {
  if (outcome.kind === "page") return samlErrorResponse(outcome.error, { eventId: outcome.eventId, retryUrl: outcome.retryUrl });
  const headers = new Headers({ Location: outcome.location, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" });
  if (outcome.browserBinding) {
    headers.append("Set-Cookie", ssoCookieHeader(ssoTicketCookieName(), outcome.browserBinding, SSO_TICKET_COOKIE_MAX_AGE_SECONDS));
  }
  return new Response(null, { status: 303, headers });
}

export async function answerAcsPost(req: Request, slug: string, getDb: () => Promise<Db>): Promise<Response> {
  const ip = clientIp(req.headers);
  try {
    const db = await getDb();
    const found = await assertSsoRateLimit(db, { endpoint: "acs", slug, ip });
    let form: Awaited<ReturnType<typeof readSamlPostForm>>;
    try {
      form = await readSamlPostForm(req);
    } catch (e) {
      return toResponse(await rejectAcsRequest(db, { slug, error: isAppError(e) ? e : new AppError("SAML_MALFORMED"), ip }));
    }
    return toResponse(
      await consumeSamlResponse(db, {
        slug,
        samlResponse: form.samlResponse,
        relayState: form.relayState,
        ip,
        appUrl: env().appUrl,
        found,
      }),
    );
  } catch (e) {
    if (isAppError(e)) return samlErrorResponse(e);
    if (isDatabaseUnavailable(e)) {
      logger.warn("ACS: database unavailable", { err: e, slug });
      return samlErrorResponse(databaseUnavailable(), { retryUrl: `/auth/sso/saml/${encodeURIComponent(slug)}/login` });
    }
    logger.error("ACS failed", { err: e, slug });
    return samlErrorResponse(new AppError("INTERNAL"));
  }
}

/** A browser that lands on the ACS by GET (bookmark, back button) gets a readable page, not a bare 405. */
export function acsGetPage(): Response {
  return samlErrorResponse(
    new AppError("SAML_MALFORMED", {
      hint: "The ACS URL only accepts the identity provider's HTTP-POST. Start the sign-in again from the login page.",
    }),
  );
}
