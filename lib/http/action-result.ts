import { unstable_rethrow } from "next/navigation";
import { ZodError } from "zod";
import { describeError, isAppError, type AppError, type ErrorCode } from "@/lib/errors";
import { logger } from "@/lib/logger";

/**
 * What every console server action returns: it never throws to the client (except Next's redirect
 * and notFound, which keep their meaning).
 */
export type ActionError = {
  ok: false;
  code: ErrorCode;
  message: string;
  hint: string;
  fields?: Record<string, string>;
  /** Safe expected/actual values from AppError.detail (never secrets). */
  detail?: Record<string, string>;
};
export type ActionResult<T extends object = object, E extends ActionError = ActionError> = ({ ok: true } & T) | E;

function fieldsFromDetail(detail: Record<string, unknown> | undefined): Record<string, string> | undefined {
  const raw = detail?.fields;
  if (Array.isArray(raw)) {
    const out: Record<string, string> = {};
    for (const f of raw as { path?: unknown; message?: unknown }[]) {
      if (typeof f?.path === "string" && typeof f.message === "string") out[f.path] = f.message;
    }
    return Object.keys(out).length ? out : undefined;
  }
  if (typeof detail?.field === "string") return { [detail.field]: "" };
  return undefined;
}

/** AppError.detail holds safe values only; flatten it to strings for display. */
function flatDetail(detail: Record<string, unknown> | undefined): Record<string, string> | undefined {
  if (!detail) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(detail)) {
    if (k === "fields" || v === undefined || v === null) continue;
    out[k] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return Object.keys(out).length ? out : undefined;
}

/** `context` names the page in the log line of an unexpected failure. */
export function toActionError(e: unknown, context: string): ActionError {
  unstable_rethrow(e);
  if (isAppError(e)) {
    return { ok: false, code: e.code, message: e.message, hint: e.hint, fields: fieldsFromDetail(e.detail), detail: flatDetail(e.detail) };
  }
  if (e instanceof ZodError) {
    const fields: Record<string, string> = {};
    for (const issue of e.issues) fields[issue.path.join(".") || "_"] ??= issue.message;
    const d = describeError("VALIDATION_FAILED");
    return { ok: false, code: "VALIDATION_FAILED", message: d.message, hint: d.hint, fields };
  }
  logger.error(`${context} action failed`, { err: e instanceof Error ? e.message : String(e) });
  const d = describeError("INTERNAL");
  return { ok: false, code: "INTERNAL", message: d.message, hint: d.hint };
}

/**
 * Run an action body; AppError / ZodError / anything else become a typed error result. `extra` adds
 * page-specific fields to an AppError's result (e.g. enforcement warnings).
 */
export async function runAction<T extends object, E extends ActionError = ActionError>(
  context: string,
  fn: () => Promise<T>,
  extra?: (e: AppError) => Partial<E>,
): Promise<ActionResult<T, E>> {
  try {
    return { ok: true, ...(await fn()) };
  } catch (e) {
    const base = toActionError(e, context);
    return (isAppError(e) && extra ? { ...base, ...extra(e) } : base) as E;
  }
}
