import { NextResponse, type NextRequest } from "next/server";
import { env, isNextDevServer } from "@/lib/env";
import { baseSecurityHeaders } from "@/lib/http/security-headers";
import { ORGANIZATION_PATH, ORGANIZATION_SCOPE_HEADER, REQUEST_ID_HEADER, resolveRequestId } from "@/lib/api/request-id";

/**
 * The built-in IdP's route handlers that render their own HTML (auto-POST form, SAML error page)
 * with their own CSP. Its React pages (/dev/idp, /dev/idp/sso/choose) get the normal nonce CSP.
 */
const OWN_CSP_DEV_IDP = new Set(["/dev/idp/sso", "/dev/idp/respond"]);

/**
 * Security headers for every response; a per-request nonce CSP for pages. Route handlers that
 * render HTML (the SAML endpoints) set their own CSP.
 */
export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const { pathname } = request.nextUrl;
  const ownCsp =
    pathname.startsWith("/api/") || pathname.startsWith("/auth/sso/saml/") || OWN_CSP_DEV_IDP.has(pathname.replace(/\/+$/, ""));
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${isNextDevServer ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");

  const requestHeaders = new Headers(request.headers);
  // REST API: one request ID for every answer, including Next's own 404/405 (route handlers reuse it).
  const requestId = pathname.startsWith("/api/v1/") ? resolveRequestId(request.headers) : null;
  if (requestId) requestHeaders.set(REQUEST_ID_HEADER, requestId);
  // Operator keys reach an organization's resources at /api/v1/organizations/{id}/…: the same routes
  // as a workspace key's, told the organization by a header only this rewrite sets.
  requestHeaders.delete(ORGANIZATION_SCOPE_HEADER);
  const scoped = ORGANIZATION_PATH.exec(pathname);
  if (scoped) requestHeaders.set(ORGANIZATION_SCOPE_HEADER, scoped[1]!);
  if (!ownCsp) {
    requestHeaders.set("x-nonce", nonce);
    requestHeaders.set("content-security-policy", csp);
  }
  const response = scoped
    ? NextResponse.rewrite(new URL(`/api/v1/${scoped[2]}${request.nextUrl.search}`, request.url), { request: { headers: requestHeaders } })
    : NextResponse.next({ request: { headers: requestHeaders } });
  if (!ownCsp) response.headers.set("Content-Security-Policy", csp);
  if (requestId) response.headers.set(REQUEST_ID_HEADER, requestId);
  for (const [name, value] of baseSecurityHeaders({ https: request.nextUrl.protocol === "https:" || env().secureCookies })) {
    response.headers.set(name, value);
  }
  return response;
}

export const config = {
  matcher: [{ source: "/((?!_next/static|_next/image|favicon.ico).*)" }],
};
