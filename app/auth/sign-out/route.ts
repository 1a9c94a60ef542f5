// POST /auth/sign-out — end the Gatehouse session; after an SSO sign-in whose IdP has a single logout URL, continue to the IdP with a signed LogoutRequest.
import { clearSessionCookieHeader, isSameOriginPost, signOutSession } from "@/lib/auth/sign-out";
import { readCookie } from "@/lib/auth/session-reader";
import { sessionCookieName } from "@/lib/auth/session-cookie";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { getReadyDb } from "@/server/bootstrap";
import { logger } from "@/lib/logger";
import { logoutMessageResponse, seeOther } from "@/lib/http/logout-responses";
import { samlErrorResponse } from "@/lib/http/saml-pages";
import { signedOutPath } from "@/lib/services/saml-slo";

export const dynamic = "force-dynamic";

export async function POST(req: Request) {
  if (!isSameOriginPost(req.headers, env().appUrl)) {
    return samlErrorResponse(
      new AppError("FORBIDDEN", { message: "Sign-out must be started from Gatehouse.", hint: "Use Sign out in the account menu." }),
    );
  }
  const clear = { "Set-Cookie": clearSessionCookieHeader() };
  try {
    const raw = readCookie(req.headers.get("cookie") ?? undefined, sessionCookieName());
    const message = await signOutSession(await getReadyDb(), raw, env().appUrl);
    return message ? logoutMessageResponse(message, clear) : seeOther(signedOutPath("local"), clear);
  } catch (e) {
    // The session is ended before anything else can fail; never leave the person signed in on an error page.
    logger.error("sign-out failed", { err: e });
    return seeOther(signedOutPath("local"), clear);
  }
}
