import { ZodError } from "zod";
import { AppError, isAppError } from "@/lib/errors";

type Rename = (servicePath: string) => string;

/**
 * Run a service call whose field errors name service (camelCase) fields, and report them under the
 * API's field names instead (e.g. "manual.certificatePem" → "manual.certificate_pem").
 */
export async function withApiFieldNames<T>(rename: Rename, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw renameFieldErrors(e, rename);
  }
}

export function renameFieldErrors(e: unknown, rename: Rename): unknown {
  if (e instanceof ZodError) {
    return new AppError("VALIDATION_FAILED", {
      detail: { fields: e.issues.map((i) => ({ path: rename(i.path.map(String).join(".")), message: i.message })) },
      cause: e,
    });
  }
  if (!isAppError(e) || !e.detail) return e;
  const { fields, field, ...rest } = e.detail as { fields?: unknown; field?: unknown } & Record<string, unknown>;
  if (!Array.isArray(fields) && typeof field !== "string") return e;
  const detail: Record<string, unknown> = { ...rest };
  if (Array.isArray(fields)) {
    detail.fields = fields.map((f: { path?: unknown; message?: unknown }) => ({
      path: rename(Array.isArray(f?.path) ? f.path.join(".") : String(f?.path ?? "")),
      message: String(f?.message ?? e.message),
    }));
  } else {
    detail.fields = [{ path: rename(field as string), message: e.message }];
  }
  return new AppError(e.code, { message: e.message, hint: e.hint, detail, headers: e.headers, cause: e.cause });
}
