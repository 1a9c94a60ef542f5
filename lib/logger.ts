import { env } from "@/lib/env";

type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
/** Keys whose values are never written to logs. */
const SECRET_KEY = /pass(word)?|secret|token|key|authorization|cookie|samlresponse|assertion|private/i;

/**
 * drizzle's failed-query error puts the statement's parameters in its message ("Failed query: …
 * params: …"), and they can be secrets (token hashes, sealed keys, emails): the log keeps the statement.
 */
function withoutQueryParams(e: Error): string {
  return "params" in e ? e.message.replace(/\nparams: [\s\S]*$/, "\nparams: [redacted]") : e.message;
}

/** An error's stack for the log, with the same redaction as its message (the stack starts with it). */
export function loggableStack(e: unknown): string | undefined {
  if (!(e instanceof Error) || !e.stack) return undefined;
  return e.stack.startsWith(`${e.name}: ${e.message}`)
    ? `${e.name}: ${withoutQueryParams(e)}${e.stack.slice(`${e.name}: ${e.message}`.length)}`
    : e.stack;
}

function scrub(value: unknown, depth = 0): unknown {
  if (depth > 4 || value === null || typeof value !== "object") return value;
  if (value instanceof Error) {
    // The cause too: drizzle wraps the driver's error (whose code says what failed) in `cause`.
    const cause = value.cause === undefined ? {} : { cause: scrub(value.cause, depth + 1) };
    return { name: value.name, message: withoutQueryParams(value), code: (value as { code?: string }).code, ...cause };
  }
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SECRET_KEY.test(k) ? "[redacted]" : scrub(v, depth + 1)]),
  );
}

function log(level: Level, msg: string, fields?: Record<string, unknown>) {
  let min: Level = "info";
  try {
    min = env().logLevel;
  } catch {
    /* env not parsable yet: keep default */
  }
  if (ORDER[level] < ORDER[min]) return;
  const line = JSON.stringify({ level, time: new Date().toISOString(), msg, ...(scrub(fields ?? {}) as object) });
  (level === "error" || level === "warn" ? console.error : console.log)(line);
}

export const logger = {
  debug: (m: string, f?: Record<string, unknown>) => log("debug", m, f),
  info: (m: string, f?: Record<string, unknown>) => log("info", m, f),
  warn: (m: string, f?: Record<string, unknown>) => log("warn", m, f),
  error: (m: string, f?: Record<string, unknown>) => log("error", m, f),
};
