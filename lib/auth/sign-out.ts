import { decode } from "next-auth/jwt";
import type { Db } from "@/db";
import { env } from "@/lib/env";
import type { BuiltLogoutMessage } from "@/lib/saml/logout-messages";
import { startSpLogout } from "@/lib/services/saml-slo";
import { sessionCookieName } from "./session-cookie";
import { endSessionAtSignOut } from "./session-token";

/**
 * Sign-out (POST /auth/sign-out): the Gatehouse session ends first, whatever the IdP does (endAccess:
 * every session of the account, OIDC tokens, back-channel logout). When the session came from an SSO
 * sign-in whose connection has an IdP single logout URL, the signed LogoutRequest to send is returned;
 * null means the sign-out is complete here.
 */
export async function signOutSession(db: Db, rawCookie: string | null, appUrl: string): Promise<BuiltLogoutMessage | null> {
  if (!rawCookie) return null;
  let token: Awaited<ReturnType<typeof decode>>;
  try {
    token = await decode({ token: rawCookie, secret: env().authSecret });
  } catch {
    return null;
  }
  if (!(await endSessionAtSignOut(db, token))) return null;
  const sid = typeof token?.sid === "string" ? token.sid : null;
  return startSpLogout(db, { sid, userId: token!.uid as string, appUrl });
}

/** The header that removes the session cookie. */
export function clearSessionCookieHeader(): string {
  return `${sessionCookieName()}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${env().secureCookies ? "; Secure" : ""}`;
}

/** A sign-out POST must come from a page of this site (a cross-site form cannot sign people out). */
export function isSameOriginPost(headers: Headers, appUrl: string): boolean {
  const origin = headers.get("origin");
  if (origin) return origin === new URL(appUrl).origin;
  return headers.get("sec-fetch-site") === "same-origin";
}
