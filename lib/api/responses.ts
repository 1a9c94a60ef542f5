import { ZodError } from "zod";
import { AppError, isAppError, validationError, type ErrorCode, type FieldError } from "@/lib/errors";
import { loggableStack, logger } from "@/lib/logger";
import { apiFieldPath } from "./case";
import { REQUEST_ID_HEADER } from "./request-id";
import { databaseUnavailable, isDatabaseUnavailable } from "@/lib/db-unavailable";

/** `meta` of every API response. */
export type ApiMeta = { request_id: string; timestamp: string; next_cursor?: string | null };
export type ApiErrorBody = {
  error: { code: ErrorCode; message: string; hint: string; fields?: FieldError[]; detail?: Record<string, unknown> };
  meta: ApiMeta;
};
export type ApiSuccessBody = { data: unknown; meta: ApiMeta };

export function buildMeta(requestId: string, extra: { nextCursor?: string | null } = {}): ApiMeta {
  const meta: ApiMeta = { request_id: requestId, timestamp: new Date().toISOString() };
  if (extra.nextCursor !== undefined) meta.next_cursor = extra.nextCursor;
  return meta;
}

/** A JSON response with the request ID header and no caching (API answers are per key). */
export function jsonResponse(body: unknown, status: number, requestId: string, headers: Record<string, string> = {}): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Cache-Control": "no-store",
      [REQUEST_ID_HEADER]: requestId,
      ...headers,
    },
  });
}

export function successBody(data: unknown, requestId: string, nextCursor?: string | null): ApiSuccessBody {
  return { data, meta: buildMeta(requestId, { nextCursor }) };
}

export type ErrorResult = { status: number; body: ApiErrorBody; headers: Record<string, string> };

/**
 * Any thrown value → status + error body. AppError keeps its code, hint, headers and fields (named
 * the API's way: snake_case paths); a ZodError is VALIDATION_FAILED with field paths; anything else
 * is INTERNAL with a generic message (the cause is logged with the request ID, never sent).
 */
export function errorResult(thrown: unknown, requestId: string): ErrorResult {
  let e = thrown instanceof ZodError ? validationError(thrown) : thrown;
  if (!isAppError(e) && isDatabaseUnavailable(e)) {
    logger.warn("api: database unavailable", { requestId, error: e });
    e = databaseUnavailable(e);
  } else if (!isAppError(e)) {
    logger.error("api unhandled error", { requestId, error: e, stack: loggableStack(e) });
    e = new AppError("INTERNAL");
  } else if (e.status >= 500) {
    logger.error("api error", { requestId, code: e.code, cause: e.cause ?? e });
  }
  const err = e as AppError;
  const error: ApiErrorBody["error"] = { code: err.code, message: err.message, hint: err.hint };
  if (err.fields) error.fields = err.fields.map((f) => ({ path: apiFieldPath(f.path), message: f.message }));
  if (err.detail && Object.keys(err.detail).length) error.detail = err.detail;
  return { status: err.status, body: { error, meta: buildMeta(requestId) }, headers: err.headers ?? {} };
}

export function errorResponse(e: unknown, requestId: string): Response {
  const r = errorResult(e, requestId);
  return jsonResponse(r.body, r.status, requestId, r.headers);
}
