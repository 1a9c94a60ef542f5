// GET /auth/sso/saml/{slug}/login?return_to=/path[&test=1] — SP-initiated sign-in: store the request, send it to the IdP.
import { getSessionUser } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { AppError, isAppError } from "@/lib/errors";
import { getReadyDb } from "@/server/bootstrap";
import { clientIp } from "@/lib/http/client-ip";
import { logger } from "@/lib/logger";
import { autoPostResponse, samlErrorResponse } from "@/lib/http/saml-pages";
import { SSO_NONCE_MAX_AGE_SECONDS, newSsoCookieValue, readSsoCookie, ssoCookieHeader, ssoNonceCookieName } from "@/lib/http/sso-cookies";
import { startSamlLogin } from "@/lib/services/saml-login";
import { readSetupLinkCookie } from "@/lib/http/setup-link-cookie";
import { readCookie } from "@/lib/auth/session-reader";
import { sessionCookieName } from "@/lib/auth/session-cookie";
import { assertSsoRateLimit } from "@/lib/services/sso-rate-limits";

export const dynamic = "force-dynamic";

export async function GET(req: Request, ctx: { params: Promise<{ slug: string }> }) {
  const { slug } = await ctx.params;
  const query = new URL(req.url).searchParams;
  const test = query.get("test") === "1";
  // One nonce per browser (kept while it is fresh), so sign-ins started in several tabs all complete.
  const nonce = readSsoCookie(req, ssoNonceCookieName()) ?? newSsoCookieValue();
  try {
    const db = await getReadyDb();
    await assertSsoRateLimit(db, { endpoint: "login", slug, ip: clientIp(req.headers) });
    // A test is the console's (a signed-in admin) or, without a session, a setup link's (its cookie).
    const hasSession = readCookie(req.headers.get("cookie") ?? undefined, sessionCookieName()) !== null;
    const user = test && hasSession ? await getSessionUser() : null;
    const setupLinkToken = test && !user ? readSetupLinkCookie(req) : null;
    const start = await startSamlLogin(db, {
      slug,
      returnTo: query.get("return_to"),
      test,
      userId: user?.id ?? null,
      setupLinkToken,
      browserNonce: nonce,
      appUrl: env().appUrl,
    });
    const res =
      start.binding === "post"
        ? autoPostResponse(start.action, start.fields)
        : new Response(null, {
            status: 302,
            headers: { Location: start.url, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" },
          });
    res.headers.append("Set-Cookie", ssoCookieHeader(ssoNonceCookieName(), nonce, SSO_NONCE_MAX_AGE_SECONDS));
    return res;
  } catch (e) {
    if (isAppError(e)) return samlErrorResponse(e);
    logger.error("SAML login start failed", { err: e });
    return samlErrorResponse(new AppError("INTERNAL"));
  }
}
