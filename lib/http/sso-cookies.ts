import { randomBytes } from "node:crypto";
import { env } from "@/lib/env";
import { setCookieHeader } from "./set-cookie";

/**
 * The two cookies that bind an SSO sign-in to one browser (login CSRF and forwarded tickets):
 * - the login nonce, set by /auth/sso/saml/{slug}/login (SP-initiated): the AuthnRequest keeps its
 *   hash, and the ticket of the response to it is redeemed only where this cookie comes back;
 * - the ticket binding, set by the ACS's own response: the ticket keeps its hash, and
 *   /auth/sso/complete redeems it only in the browser that posted the SAML response.
 * Both are HttpOnly and SameSite=Lax: they are sent on the top-level GET to /auth/sso/complete, not on
 * the IdP's cross-site POST to the ACS (which is why they are checked at /auth/sso/complete). With an
 * https APP_URL their names carry the __Host- prefix (Secure, Path=/, no Domain).
 */

const NONCE_NAME = "gh_sso_nonce";
const TICKET_NAME = "gh_sso_ticket";
/** As long as an AuthnRequest lives. */
export const SSO_NONCE_MAX_AGE_SECONDS = 10 * 60;
/** As long as a login ticket lives. */
export const SSO_TICKET_COOKIE_MAX_AGE_SECONDS = 60;

const VALUE = /^[A-Za-z0-9_-]{43}$/;

function cookieName(base: string): string {
  return env().secureCookies ? `__Host-${base}` : base;
}

export const ssoNonceCookieName = () => cookieName(NONCE_NAME);
export const ssoTicketCookieName = () => cookieName(TICKET_NAME);

/** A Set-Cookie value for one of these cookies (maxAge 0 clears it). */
export function ssoCookieHeader(name: string, value: string, maxAgeSeconds: number): string {
  return setCookieHeader(name, value, { path: "/", maxAge: maxAgeSeconds, httpOnly: true, sameSite: "lax", secure: env().secureCookies });
}

/** A cookie's value from the request's Cookie header, when it has the shape we issue (32 random bytes, base64url). */
export function readSsoCookie(req: Request, name: string): string | null {
  const header = req.headers.get("cookie");
  if (!header) return null;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i < 0 || part.slice(0, i).trim() !== name) continue;
    const value = part.slice(i + 1).trim();
    if (VALUE.test(value)) return value;
  }
  return null;
}

export function newSsoCookieValue(): string {
  return randomBytes(32).toString("base64url");
}
