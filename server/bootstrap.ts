import { getDbHandle, type Db } from "@/db";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { boxed, demoBannerLines } from "@/lib/services/demo-banner";
import { seedDemoWorkspace } from "@/lib/services/demo-seed";

type Global = typeof globalThis & { __gatehouseReady?: Promise<Db> };

/**
 * Migrations (under an advisory lock on Postgres) and, outside production, the demo workspace.
 * Runs once per process: from instrumentation at start, and awaited by every request via getReadyDb().
 */
export function getReadyDb(): Promise<Db> {
  const g = globalThis as Global;
  if (!g.__gatehouseReady) {
    g.__gatehouseReady = bootstrap();
    g.__gatehouseReady.catch(() => {
      g.__gatehouseReady = undefined;
    });
  }
  return g.__gatehouseReady;
}

async function bootstrap(): Promise<Db> {
  const e = env();
  const handle = await getDbHandle();
  const started = Date.now();
  await handle.migrate();
  logger.info("database ready", { kind: handle.kind, migrateMs: Date.now() - started });
  if (e.appEnv === "development") {
    const seeded = await seedDemoWorkspace(handle.db, { appUrl: e.appUrl });
    if (seeded) printDemoCredentials(e.appUrl, seeded.password);
    else printDemoReminder(e.appUrl);
  }
  return handle.db;
}

function printDemoCredentials(appUrl: string, password: string) {
  // Printed directly (not through the logger) so it stands out; never in production.
  console.log(boxed(demoBannerLines(appUrl, password)));
}

/** Every later start: who the demo owner is and how to reset the password (never the password itself). */
function printDemoReminder(appUrl: string) {
  console.log(boxed(demoBannerLines(appUrl, null)));
}

/**
 * Route/handler tests: make getReadyDb() return this (already migrated) test database, so real
 * route handlers run against the test's own database.
 */
export function useDbForTests(db: Db): void {
  (globalThis as Global).__gatehouseReady = Promise.resolve(db);
}
