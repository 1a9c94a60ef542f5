/** Runs once when the server starts: migrations under an advisory lock, then the dev demo seed. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getReadyDb } = await import("@/lib/server/bootstrap");
  const { logger } = await import("@/lib/server/logger");
  try {
    await getReadyDb();
  } catch (err) {
    // Keep serving: /api/health reports 503 and every request retries until the database is back.
    logger.error("database not ready at start; will retry on the next request", { err });
  }
  // Periodic jobs (verified-domain re-check).
  const { startScheduler } = await import("@/lib/server/scheduler");
  startScheduler();
}
