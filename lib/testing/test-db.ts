import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { DRIZZLE_CONFIG, openPglite, openPostgres, type DbHandle } from "@/db";
import { testDatabaseBaseUrl } from "@/lib/env";

/**
 * Which database the tests run on:
 * - TEST_DB=pglite: embedded PGlite only (the `npm run test:fast` lane);
 * - REQUIRE_POSTGRES=1 (CI): the Postgres server must answer, or every database test fails;
 * - otherwise: Postgres when it answers, else PGlite.
 */
export type TestDbMode = "pglite" | "postgres" | "auto";

export function testDbMode(): TestDbMode {
  if (process.env.TEST_DB === "pglite") return "pglite";
  if (process.env.REQUIRE_POSTGRES === "1" || process.env.TEST_DB === "postgres") return "postgres";
  return "auto";
}

let reachable: Promise<boolean> | undefined;

/** Is the local (or TEST_DATABASE_URL) Postgres server answering? Checked once per test process. */
export function postgresReachable(): Promise<boolean> {
  reachable ??= (async () => {
    if (testDbMode() === "pglite") return false;
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

/** Throws the one clear message CI shows when Postgres is required and missing. */
export async function assertPostgresWhenRequired(): Promise<void> {
  if (testDbMode() === "postgres" && !(await postgresReachable())) {
    throw new Error(
      `REQUIRE_POSTGRES=1 but no Postgres server answers at ${testDatabaseBaseUrl()}. ` +
        "Start it (CI: pg_ctlcluster <version> main start) or set TEST_DATABASE_URL.",
    );
  }
}

export type TestDb = DbHandle & { url?: string; name: string };

/** Env var naming a migrated PGlite data directory dump made once per test run (see vitest-setup.ts). */
export const PGLITE_TEMPLATE_ENV = "GATEHOUSE_PGLITE_TEMPLATE";
/** Env var naming a migrated Postgres database the run's test databases are copied from (see vitest-setup.ts). */
export const PG_TEMPLATE_ENV = "GATEHOUSE_PG_TEMPLATE";

/**
 * A migrated template database on the test server, named after the migrations (`gh_tpl_<hash>`), made
 * once and kept: test databases are created from it (`create database … template …`). It is migrated
 * under another name and renamed when complete, so a crashed run never leaves a half-migrated template.
 */
export async function ensurePostgresTemplate(migrationsHash: string): Promise<string> {
  const { default: postgres } = await import("postgres");
  const base = testDatabaseBaseUrl();
  const name = `gh_tpl_${migrationsHash}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  try {
    const [found] = await admin`select 1 from pg_database where datname = ${name}`;
    if (found) return name;
    const building = `gh_tplbuild_${randomBytes(4).toString("hex")}`;
    await admin.unsafe(`create database ${building}`);
    const handle = await openPostgres(withDatabase(base, building), { max: 1 });
    try {
      await handle.migrate();
    } finally {
      await handle.close();
    }
    try {
      await admin.unsafe(`alter database ${building} rename to ${name}`);
    } catch {
      await admin.unsafe(`drop database if exists ${building}`); // another run made it first
    }
    return name;
  } finally {
    await admin.end();
  }
}

/**
 * A fresh, migrated database for one test file: a new database on the real Postgres server (dropped
 * on close), or an in-memory PGlite loaded from the run's migrated template (about 3× quicker than
 * initialising and migrating a new one).
 */
export async function createTestDb(opts: { kind?: "postgres" | "pglite" } = {}): Promise<TestDb> {
  const name = `gh_t_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  await assertPostgresWhenRequired();
  if (opts.kind !== "pglite" && (await postgresReachable())) {
    const { default: postgres } = await import("postgres");
    const base = testDatabaseBaseUrl();
    const admin = postgres(base, { max: 1, onnotice: () => {} });
    const template = process.env[PG_TEMPLATE_ENV];
    // From the run's migrated template (a file copy, ~0.1 s) instead of running every migration (~0.45 s).
    await admin.unsafe(`create database ${name}${template && /^gh_tpl_[0-9a-f]+$/.test(template) ? ` template ${template}` : ""}`);
    await admin.end();
    const url = withDatabase(base, name);
    const handle = await openPostgres(url, { max: 10 });
    await handle.migrate(); // nothing left to apply on a copy of the template
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
  return checkOutPglite(name);
}

/**
 * The databases a suite that must hold on both engines runs on: Postgres (when it answers, or when CI
 * requires it) and embedded PGlite; PGlite alone in the PGlite lane.
 */
export async function bothTestDbKinds(): Promise<("postgres" | "pglite")[]> {
  await assertPostgresWhenRequired();
  return (await postgresReachable()) ? ["postgres", "pglite"] : ["pglite"];
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** An in-memory PGlite database, whichever server the run uses (tests that replay on both databases). */
export async function createPgliteTestDb(): Promise<TestDb> {
  return checkOutPglite(`pglite_${randomBytes(4).toString("hex")}`);
}

/**
 * Starting an in-memory PGlite from the migrated template costs about 1.5 s of CPU (WASM Postgres
 * boots and loads the data directory); emptying one that a finished test file handed back costs a
 * few milliseconds. So a test process keeps the PGlite databases its files have closed and gives
 * the next file one of them, emptied: every table truncated (identities restarted) and the session
 * reset (settings, advisory locks, prepared statements, temp tables). The next file gets a new
 * drizzle object, so nothing cached per database object carries over. A database whose tables no
 * longer match the migrated schema, or that fails to reset, is closed instead of reused.
 */
type IdlePglite = { handle: DbHandle; tables: string };
const idlePglite: IdlePglite[] = [];

async function checkOutPglite(name: string): Promise<TestDb> {
  const { drizzle } = await import("drizzle-orm/pglite");
  for (let reused = idlePglite.pop(); reused; reused = idlePglite.pop()) {
    const client = pgliteClient(reused.handle);
    try {
      await client.exec("ROLLBACK"); // a file that failed mid-transaction
      await client.exec("DISCARD ALL"); // not inside a (multi-statement) transaction block
      if ((await publicTables(reused.handle)) !== reused.tables) throw new Error("schema changed");
      await client.exec(`TRUNCATE ${reused.tables} RESTART IDENTITY CASCADE`);
    } catch {
      await reused.handle.close().catch(() => {});
      continue;
    }
    const db = drizzle(client as never, DRIZZLE_CONFIG) as unknown as DbHandle["db"];
    return pooledPglite({ ...reused.handle, db }, reused.tables, name);
  }
  const template = process.env[PGLITE_TEMPLATE_ENV];
  const handle = await openPglite(undefined, template && existsSync(template) ? new Blob([readFileSync(template)]) : undefined);
  await handle.migrate();
  return pooledPglite(handle, await publicTables(handle), name);
}

function pooledPglite(handle: DbHandle, tables: string, name: string): TestDb {
  let closed = false;
  return {
    ...handle,
    name,
    close: async () => {
      if (closed) return;
      closed = true;
      idlePglite.push({ handle, tables });
    },
  };
}

type PgliteClient = { exec: (sql: string) => Promise<unknown>; query: <T>(sql: string) => Promise<{ rows: T[] }> };
function pgliteClient(handle: DbHandle): PgliteClient {
  return (handle.db as unknown as { $client: PgliteClient }).$client;
}

/** The migrated schema's tables, quoted and comma-separated (also the TRUNCATE list). */
async function publicTables(handle: DbHandle): Promise<string> {
  const { rows } = await pgliteClient(handle).query<{ t: string }>(
    "select quote_ident(tablename) as t from pg_tables where schemaname = 'public' order by tablename",
  );
  return rows.map((r) => r.t).join(", ");
}

/** Every database a replay test runs on: PGlite always, and the Postgres server when it answers (always in CI). */
export async function replayDatabases(): Promise<{ kind: "postgres" | "pglite"; open: () => Promise<TestDb> }[]> {
  const out: { kind: "postgres" | "pglite"; open: () => Promise<TestDb> }[] = [{ kind: "pglite", open: createPgliteTestDb }];
  await assertPostgresWhenRequired();
  if (await postgresReachable()) out.unshift({ kind: "postgres", open: createTestDb });
  return out;
}
