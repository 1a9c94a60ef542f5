import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { Sql } from "postgres";
import { preparedByDefault } from "./prepared";
import { selfHealingClient } from "./self-healing-client";
import * as schema from "./schema";

export type Schema = typeof schema;
/** How every drizzle instance over our database is configured (tables, snake_case columns). */
export const DRIZZLE_CONFIG = { schema, casing: "snake_case" } as const;
export type Db = PgDatabase<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

export type DbHandle = {
  db: Db;
  kind: "postgres" | "pglite";
  /** Run migrations (under an advisory lock on real Postgres). */
  migrate: () => Promise<void>;
  close: () => Promise<void>;
};

export const MIGRATIONS_FOLDER = path.join(/*turbopackIgnore: true*/ process.cwd(), "db", "migrations");
const MIGRATION_LOCK_ID = 7_262_001; // arbitrary, constant: every Gatehouse instance uses the same one

/**
 * Real Postgres through postgres.js. Statements are prepared (one round trip per statement instead of
 * two) unless `prepare: false`. A connection that breaks (database restart, network cut) is dropped
 * and a new one is opened by the next query; `connect_timeout` bounds how long a request waits for a
 * database that does not answer. postgres.js waits before each reconnect after a failure, by default
 * 3^failures/100 s up to 20 s: in an outage requests queued behind that wait outlived their clients
 * (30 s and more instead of a quick 503), and recovery took up to 20 s after the database was back.
 * The wait here grows from 50 ms to at most 1 s: an unreachable database costs each pooled connection
 * at most one refused connect per second.
 */
export const RECONNECT_BACKOFF_MAX_S = 1;
export function reconnectBackoff(failures: number): number {
  return Math.min(0.05 * 2 ** failures, RECONNECT_BACKOFF_MAX_S);
}

export async function openPostgres(url: string, opts: { max?: number; prepare?: boolean } = {}): Promise<DbHandle> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const prepare = opts.prepare ?? true;
  const { isDatabaseUnavailable } = await import("../lib/db-unavailable");
  const { logger } = await import("../lib/logger");
  // postgres.js asks every new connection for the server's array types (a round trip each), and a
  // connection cut during that query rejects a promise nobody handles. The answer is the same for every
  // connection: the first client's first connection asks, and everything after reuses its answer.
  let typesFrom: Sql | null = null;
  // Each client (the first, and any that replaces a damaged one) is set up by drizzle the same way.
  const make = () => {
    const raw = postgres(url, {
      ...(oneHost(url) ? ({ socket: socketWithoutNagle } as object) : {}),
      max: opts.max ?? 10,
      onnotice: () => {},
      prepare,
      connect_timeout: 5,
      backoff: reconnectBackoff,
      fetch_types: typesFrom === null,
    });
    if (typesFrom) shareArrayTypes(typesFrom, raw);
    else
      raw`select 1`.then(
        () => {
          raw.options.fetch_types = false;
          typesFrom ??= raw;
        },
        () => {},
      );
    const c = prepare ? preparedByDefault(raw) : raw;
    drizzle(c, DRIZZLE_CONFIG);
    return c;
  };
  const client = selfHealingClient(make, {
    brokenLink: isDatabaseUnavailable,
    onRetire: (generation, cause) =>
      logger.warn("database: a transaction lost its connection; new queries use a fresh client", { generation, cause }),
  });
  const db = drizzle(client as never, DRIZZLE_CONFIG) as unknown as Db;
  return {
    db,
    kind: "postgres",
    migrate: async () => {
      const { migrate } = await import("drizzle-orm/postgres-js/migrator");
      // One dedicated connection so the session-level advisory lock covers the whole migration.
      const lockClient = postgres(url, { max: 1, onnotice: () => {} });
      try {
        await lockClient`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
        await migrate(drizzle(lockClient, DRIZZLE_CONFIG), {
          migrationsFolder: MIGRATIONS_FOLDER,
        });
        await lockClient`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`;
      } finally {
        await lockClient.end({ timeout: 5 });
      }
    },
    close: () => client.end({ timeout: 5 }),
  };
}

/** The URL names one host (a failover list `host1,host2` keeps postgres.js's own socket and its rotation). */
function oneHost(url: string): boolean {
  const authority = url.slice(url.indexOf("//") + 2).split("/")[0] ?? "";
  return !authority.includes(",");
}

/**
 * The TCP connection to Postgres, with Nagle's algorithm off (TCP_NODELAY, as libpq and node-postgres
 * set it; postgres.js leaves it on). postgres.js writes a pipeline at once when its buffer passes 1 KB
 * and the rest a moment later: with Nagle on, the kernel held that rest until the server acknowledged
 * the first part, so a pipelined transaction (db/pipelined-transaction.ts) paid a round trip anyway.
 * postgres.js treats a socket given this way as connected and writes into it at once; Node queues the
 * writes until the connection is up, and a failure to connect arrives as the socket's error, as before.
 */
function socketWithoutNagle(o: { host: string[]; port: number[]; path?: string | false }): net.Socket {
  if (o.path) return net.connect(o.path);
  return net.connect({ host: o.host[0], port: o.port[0], noDelay: true });
}

/** What postgres.js learnt of the server's array types (parsers, serializers, element → array OIDs), for another client. */
function shareArrayTypes(from: Sql, to: Sql) {
  Object.assign(to.options.parsers, from.options.parsers);
  Object.assign(to.options.serializers, from.options.serializers);
  const shared = (sql: Sql) => (sql.options as unknown as { shared: { typeArrayMap: Record<number, number> } }).shared;
  Object.assign(shared(to).typeArrayMap, shared(from).typeArrayMap);
}

/**
 * Embedded Postgres (PGlite). `dir` undefined → in memory. One process owns a data directory.
 * `loadDataDir` starts from a dumped data directory (tests: a migrated template) instead of initdb.
 */
export async function openPglite(dir: string | undefined, loadDataDir?: Blob): Promise<DbHandle> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  let releaseLock = () => {};
  if (dir) {
    mkdirSync(dir, { recursive: true });
    releaseLock = acquireDirLock(dir);
  }
  const client = dir ? new PGlite(dir) : new PGlite(loadDataDir ? { loadDataDir } : undefined);
  await client.waitReady;
  const db = drizzle(client, DRIZZLE_CONFIG) as unknown as Db;
  return {
    db,
    kind: "pglite",
    migrate: async () => {
      const { migrate } = await import("drizzle-orm/pglite/migrator");
      await migrate(drizzle(client, DRIZZLE_CONFIG), { migrationsFolder: MIGRATIONS_FOLDER });
    },
    close: async () => {
      await client.close();
      releaseLock();
    },
  };
}

/**
 * PGlite is single-process: refuse, with a clear message, to open a data directory that another
 * live process holds (e.g. the CLI while `npm start` runs on the embedded database).
 */
function acquireDirLock(dir: string): () => void {
  const lockFile = `${dir}.lock`;
  if (existsSync(lockFile)) {
    const pid = readDirLockPid(dir);
    if (pid && pid !== process.pid && isAlive(pid)) {
      throw new Error(
        `The embedded database in ${dir} is in use by another Gatehouse process (pid ${pid}). ` +
          `Stop it first, or run both on real Postgres with DATABASE_URL.`,
      );
    }
  }
  writeFileSync(lockFile, String(process.pid));
  return () => {
    try {
      if (readFileSync(lockFile, "utf8").trim() === String(process.pid)) rmSync(lockFile);
    } catch {
      /* already gone */
    }
  };
}

/** The pid named in a PGlite data directory's lock file, or null (no lock file / unreadable). */
export function readDirLockPid(dir: string): number | null {
  try {
    const pid = Number(readFileSync(`${dir}.lock`, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

type Global = typeof globalThis & { __gatehouseDb?: Promise<DbHandle> };

/**
 * The process-wide database, configured from env. Kept on globalThis: Next bundles instrumentation
 * and routes separately, and a second PGlite on the same directory would corrupt it.
 */
export function getDbHandle(): Promise<DbHandle> {
  const g = globalThis as Global;
  if (!g.__gatehouseDb) {
    g.__gatehouseDb = (async () => {
      const { env } = await import("@/lib/env");
      const e = env();
      return e.databaseUrl
        ? openPostgres(e.databaseUrl, { prepare: e.databasePreparedStatements })
        : openPglite(path.join(e.dataDir, "pglite"));
    })();
    g.__gatehouseDb.catch(() => {
      g.__gatehouseDb = undefined;
    });
  }
  return g.__gatehouseDb;
}

export { schema };
