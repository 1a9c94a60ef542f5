import { unstable_rethrow } from "next/navigation";
import { ZodError } from "zod";
import { describeError, isAppError, validationError, type AppError, type ErrorCode, type FieldError } from "@/lib/errors";
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
  /** Invalid fields by path in the operation schema's names (the form's field names), e.g. "defaultRedirect", "rules.0.value". */
  fields?: Record<string, string>;
  /** Safe expected/actual values from AppError.detail (never secrets). */
  detail?: Record<string, string>;
};
export type ActionResult<T extends object = object, E extends ActionError = ActionError> = ({ ok: true } & T) | E;

/** Fields by path ("" → "_": the whole input); the first message per path. */
function fieldRecord(fields: FieldError[] | undefined): Record<string, string> | undefined {
  if (!fields) return undefined;
  const out: Record<string, string> = {};
  for (const f of fields) out[f.path || "_"] ??= f.message;
  return out;
}

/** AppError.detail holds safe values only; flatten it to strings for display. */
function flatDetail(detail: Record<string, unknown> | undefined): Record<string, string> | undefined {
  if (!detail) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(detail)) {
    if (v === undefined || v === null) continue;
    out[k] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return Object.keys(out).length ? out : undefined;
}

/** `context` names the page in the log line of an unexpected failure. */
export function toActionError(thrown: unknown, context: string): ActionError {
  unstable_rethrow(thrown);
  const e = thrown instanceof ZodError ? validationError(thrown) : thrown;
  if (isAppError(e)) {
    return { ok: false, code: e.code, message: e.message, hint: e.hint, fields: fieldRecord(e.fields), detail: flatDetail(e.detail) };
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
