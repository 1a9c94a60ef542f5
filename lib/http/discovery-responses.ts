import { describeError, isAppError, type ErrorCode } from "@/lib/errors";
import { logger } from "@/lib/logger";

const NO_STORE = { "cache-control": "no-store" };

/**
 * The one "no SSO for this email" answer: byte-for-byte the same for unknown, pending, failing,
 * unrouted and inactive domains (no request ID, no timestamps, nothing that depends on the input).
 */
export function discoveryNotFound(): Response {
  return Response.json(
    { error: { code: "NOT_FOUND", message: "No single sign-on is set up for this email.", hint: "Continue with your password." } },
    { status: 404, headers: NO_STORE },
  );
}

export function discoveryErrorResponse(e: unknown): Response {
  if (typeof e === "string") return errorJson(e as ErrorCode);
  if (isAppError(e)) return errorJson(e.code, e.headers);
  logger.error("sso discovery failed", { err: e });
  return errorJson("INTERNAL");
}

function errorJson(code: ErrorCode, headers: Record<string, string> = {}): Response {
  const entry = describeError(code);
  return Response.json(
    { error: { code, message: entry.message, hint: entry.hint } },
    { status: entry.status, headers: { ...NO_STORE, ...headers } },
  );
}
