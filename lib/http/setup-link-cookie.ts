import { env } from "@/lib/env";

/**
 * The cookie a setup link's token is exchanged for on first open (POST /setup/exchange): HttpOnly, so
 * page scripts cannot read it; SameSite=Lax, so it comes back on the top-level return from the IdP's
 * test sign-in; short-lived (at most SETUP_COOKIE_MAX_AGE_SECONDS, never past the link's expiry). It
 * holds the token itself and every request resolves it again, so a revoked or expired link stops
 * working at once, cookie or not. __Host- prefixed with an https APP_URL.
 */
const NAME = "gh_setup_link";
export const SETUP_COOKIE_MAX_AGE_SECONDS = 2 * 60 * 60;

export function setupLinkCookieName(): string {
  return env().secureCookies ? `__Host-${NAME}` : NAME;
}

export function setupLinkCookieHeader(value: string, maxAgeSeconds: number): string {
  return [
    `${setupLinkCookieName()}=${value}`,
    "Path=/",
    `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
    "HttpOnly",
    "SameSite=Lax",
    ...(env().secureCookies ? ["Secure"] : []),
  ].join("; ");
}

function parse(cookieHeader: string | null): string | null {
  if (!cookieHeader) return null;
  const name = setupLinkCookieName();
  for (const part of cookieHeader.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) {
      const value = v.join("=");
      return /^[A-Za-z0-9_-]{43}$/.test(value) ? value : null;
    }
  }
  return null;
}

export function readSetupLinkCookie(req: Request): string | null {
  return parse(req.headers.get("cookie"));
}

/** For server components and actions (next/headers cookies()). */
export function readSetupLinkCookieValue(jar: { get(name: string): { value: string } | undefined }): string | null {
  const v = jar.get(setupLinkCookieName())?.value ?? null;
  return v && /^[A-Za-z0-9_-]{43}$/.test(v) ? v : null;
}
