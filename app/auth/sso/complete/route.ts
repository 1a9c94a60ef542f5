// GET /auth/sso/complete?ticket=… — redeem the single-use login ticket in the browser it is bound to, and start the session.
import { NextResponse } from "next/server";
import { mintSessionCookie } from "@/lib/auth/session-cookie";
import { env } from "@/lib/env";
import { databaseUnavailable, isDatabaseUnavailable } from "@/lib/db-unavailable";
import { AppError, isAppError } from "@/lib/errors";
import { getReadyDb } from "@/server/bootstrap";
import { logger } from "@/lib/logger";
import { samlErrorResponse } from "@/lib/http/saml-pages";
import { readSsoCookie, ssoCookieHeader, ssoNonceCookieName, ssoTicketCookieName } from "@/lib/http/sso-cookies";
import { safeRelativePath } from "@/lib/schemas/connections";
import { redeemLoginTicket } from "@/lib/services/login-tickets";
import { claimSsoSession } from "@/lib/services/sso-sessions";
import { clientIp } from "@/lib/http/client-ip";
import { ipRefusedResponse } from "@/lib/http/ip-refused-page";
import { assertSsoSignInIpAllowed } from "@/lib/services/ip-allowlist";

export const dynamic = "force-dynamic";

export async function GET(req: Request) {
  const ticket = new URL(req.url).searchParams.get("ticket") ?? "";
  const browser = { browserBinding: readSsoCookie(req, ssoTicketCookieName()), loginNonce: readSsoCookie(req, ssoNonceCookieName()) };
  // The ticket cookie has done its job whatever happens.
  const clearTicketCookie = ssoCookieHeader(ssoTicketCookieName(), "", 0);
  try {
    const db = await getReadyDb();
    const { user, returnTo, connectionId } = await redeemLoginTicket(db, ticket, browser);
    await assertSsoSignInIpAllowed(db, connectionId, user.id, clientIp(req.headers));
    const ssoSessionId = await claimSsoSession(db, { browserBinding: browser.browserBinding, userId: user.id, connectionId });
    const cookie = await mintSessionCookie(user, { connectionId, ssoSessionId });
    const res = NextResponse.redirect(new URL(safeRelativePath(returnTo) ?? "/", env().appUrl), 303);
    res.cookies.set(cookie.name, cookie.value, cookie.options);
    res.headers.append("Set-Cookie", clearTicketCookie);
    res.headers.set("Cache-Control", "no-store");
    res.headers.set("Referrer-Policy", "no-referrer");
    return res;
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
