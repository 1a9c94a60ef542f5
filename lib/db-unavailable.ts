import { AppError } from "@/lib/errors";

/** Network-level codes of postgres.js and Node when the database cannot be reached or the link broke. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
]);

/**
 * SQLSTATEs that mean "the server is not taking work right now", not "this query is wrong": connection
 * exceptions (class 08), shutdown / crash recovery / cannot connect now (57P01–57P03), too many connections.
 */
function unavailableSqlState(code: string): boolean {
  return code.startsWith("08") || code === "57P01" || code === "57P02" || code === "57P03" || code === "53300";
}

/**
 * Is `e` (or what it wraps: drizzle wraps driver errors in `cause`, Node in AggregateError) the
 * database being unreachable, rather than a bug or a refused write? Such a failure is a 503 with
 * DB_UNAVAILABLE and Retry-After; everything else keeps its own mapping.
 */
export function isDatabaseUnavailable(e: unknown, depth = 0): boolean {
  if (!e || typeof e !== "object" || depth > 5) return false;
  const err = e as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof err.code === "string" && (NETWORK_CODES.has(err.code) || (/^[0-9A-Z]{5}$/.test(err.code) && unavailableSqlState(err.code)))) {
    return true;
  }
  if (Array.isArray(err.errors) && err.errors.some((x) => isDatabaseUnavailable(x, depth + 1))) return true;
  return isDatabaseUnavailable(err.cause, depth + 1);
}

/** The 503 a request gets while the database is unreachable. */
export function databaseUnavailable(cause?: unknown): AppError {
  return new AppError("DB_UNAVAILABLE", { cause, headers: { "Retry-After": "5" } });
}
