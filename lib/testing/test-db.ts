import { randomBytes } from "node:crypto";
import { openPglite, openPostgres, type DbHandle } from "@/db";
import { testDatabaseBaseUrl } from "@/lib/env";

let reachable: Promise<boolean> | undefined;

/** Is the local (or TEST_DATABASE_URL) Postgres server answering? Checked once per test process. */
export function postgresReachable(): Promise<boolean> {
  reachable ??= (async () => {
    const { default: postgres } = await import("postgres");
    const sql = postgres(testDatabaseBaseUrl(), { max: 1, connect_timeout: 2, onnotice: () => {} });
    try {
      await sql`select 1`;
      return true;
    } catch {
      return false;
    } finally {
      await sql.end({ timeout: 1 }).catch(() => {});
    }
  })();
  return reachable;
}

export type TestDb = DbHandle & { url?: string; name: string };

/**
 * A fresh, migrated database for one test file: a new database on the real Postgres server when it
 * answers (dropped on close), else an in-memory PGlite.
 */
export async function createTestDb(): Promise<TestDb> {
  const name = `gh_t_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  if (await postgresReachable()) {
    const { default: postgres } = await import("postgres");
    const base = testDatabaseBaseUrl();
    const admin = postgres(base, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    await admin.end();
    const url = withDatabase(base, name);
    const handle = await openPostgres(url, { max: 10 });
    await handle.migrate();
    return {
      ...handle,
      url,
      name,
      close: async () => {
        await handle.close();
        const a = postgres(base, { max: 1, onnotice: () => {} });
        await a.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
        await a.end();
      },
    };
  }
  const handle = await openPglite(undefined);
  await handle.migrate();
  return { ...handle, name };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
