export const REQUEST_ID_HEADER = "X-Request-Id";

/** An incoming X-Request-Id is kept when it is short and plain (no spaces, quotes or control characters). */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:\-]{8,128}$/;

/** The caller's request ID when sane (for end-to-end tracing), else a fresh `req_…`. */
export function resolveRequestId(headers: Headers): string {
  const incoming = headers.get(REQUEST_ID_HEADER)?.trim();
  if (incoming && SANE_REQUEST_ID.test(incoming)) return incoming;
  return newRequestId();
}

export function newRequestId(): string {
  // Web Crypto: this module also runs in proxy.ts.
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `req_${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/**
 * Set by proxy.ts (and only there: an incoming copy is always dropped) when an operator key calls a
 * workspace-scoped route as /api/v1/organizations/{id}/…: the organization the request acts on.
 */
export const ORGANIZATION_SCOPE_HEADER = "x-gatehouse-organization";
/** /api/v1/organizations/{id}/{rest…}: an organization's resources, reached with an operator key. */
export const ORGANIZATION_PATH = /^\/api\/v1\/organizations\/([^/]+)\/(.+)$/;
