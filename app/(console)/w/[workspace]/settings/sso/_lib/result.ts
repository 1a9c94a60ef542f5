import { unstable_rethrow } from "next/navigation";
import { ZodError } from "zod";
import type { ActionError, ActionResult } from "@/components/sso/types";
import { describeError, isAppError } from "@/lib/errors";
import { logger } from "@/lib/server/logger";

export type { ActionError, ActionResult };

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

export function toActionError(e: unknown): ActionError {
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
  logger.error("sso console action failed", { err: e instanceof Error ? e.message : String(e) });
  const d = describeError("INTERNAL");
  return { ok: false, code: "INTERNAL", message: d.message, hint: d.hint };
}

/** Run an action body; AppError / ZodError / anything else become a typed error result. */
export async function runAction<T extends object>(fn: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    return { ok: true, ...(await fn()) };
  } catch (e) {
    return toActionError(e);
  }
}
