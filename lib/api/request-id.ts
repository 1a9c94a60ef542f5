import { randomBytes } from "node:crypto";

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
  return `req_${randomBytes(12).toString("hex")}`;
}
