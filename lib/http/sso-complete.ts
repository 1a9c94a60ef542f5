/**
 * GET /auth/sso/complete?ticket=… as a Web Request → Response: redeem the single-use login ticket in the
 * browser it is bound to, and start the session. One function for the Node server in front of Next
 * (server/sso/mount.ts, the hot path of a sign-in rush) and Next's route handler.
 */
import type { Db } from "@/db";
import { mintSessionCookie } from "@/lib/auth/session-cookie";
import { env } from "@/lib/env";
import { databaseUnavailable, isDatabaseUnavailable } from "@/lib/db-unavailable";
import { AppError, isAppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { samlErrorResponse } from "@/lib/http/saml-pages";
import { setCookieHeader } from "@/lib/http/set-cookie";
import { readSsoCookie, ssoCookieHeader, ssoNonceCookieName, ssoTicketCookieName } from "@/lib/http/sso-cookies";
import { safeRelativePath } from "@/lib/schemas/connections";
import { redeemLoginTicket } from "@/lib/services/login-tickets";
import { claimSsoSession } from "@/lib/services/sso-sessions";
import { clientIp } from "@/lib/http/client-ip";
import { ipRefusedResponse } from "@/lib/http/ip-refused-page";
import { assertSsoSignInIpAllowed } from "@/lib/services/ip-allowlist";

export async function answerSsoComplete(req: Request, getDb: () => Promise<Db>): Promise<Response> {
  const ticket = new URL(req.url).searchParams.get("ticket") ?? "";
  const browser = { browserBinding: readSsoCookie(req, ssoTicketCookieName()), loginNonce: readSsoCookie(req, ssoNonceCookieName()) };
  // The ticket cookie has done its job whatever happens.
  const clearTicketCookie = ssoCookieHeader(ssoTicketCookieName(), "", 0);
  try {
    const db = await getDb();
    const { user, returnTo, connectionId } = await redeemLoginTicket(db, ticket, browser);
    await assertSsoSignInIpAllowed(db, connectionId, user.id, clientIp(req.headers));
    const ssoSessionId = await claimSsoSession(db, { browserBinding: browser.browserBinding, userId: user.id, connectionId });
    const cookie = await mintSessionCookie(user, { connectionId, ssoSessionId });
    const headers = new Headers({
      Location: new URL(safeRelativePath(returnTo) ?? "/", env().appUrl).toString(),
      "Cache-Control": "no-store",
      "Referrer-Policy": "no-referrer",
    });
    headers.append("Set-Cookie", setCookieHeader(cookie.name, cookie.value, cookie.options));
    headers.append("Set-Cookie", clearTicketCookie);
    return new Response(null, { status: 303, headers });
  } catch (e) {
    const error = isAppError(e) ? e : isDatabaseUnavailable(e) ? databaseUnavailable() : new AppError("INTERNAL");
    if (!isAppError(e)) logger.error("login ticket redemption failed", { err: e });
    const res =
      error.code === "IP_NOT_ALLOWED"
        ? ipRefusedResponse({ address: String(error.detail?.address ?? ""), workspace: String(error.detail?.workspace ?? "") || null })
        : samlErrorResponse(error, { retryUrl: error.code === "SAML_BROWSER_MISMATCH" ? "/login" : null });
    res.headers.append("Set-Cookie", clearTicketCookie);
    return res;
  }
}
