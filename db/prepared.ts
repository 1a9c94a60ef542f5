import type { Sql, TransactionSql } from "postgres";

type Unsafe = Sql["unsafe"];
type AnySql = { unsafe: Unsafe; begin?: unknown; savepoint?: unknown; reserve?: unknown };

/**
 * drizzle-orm's postgres-js driver runs every query through `sql.unsafe(text, params, { prepare: false })`
 * unless the query was given a name, so each statement is parsed and described by Postgres on every
 * call (two round trips instead of one). This makes the client (and every transaction, savepoint
 * scope and reserved connection it hands out) prepare them: postgres.js keeps one named statement per query text and
 * connection. Turn it off (DATABASE_PREPARED_STATEMENTS=false) behind PgBouncer in transaction mode
 * older than 1.21 or without max_prepared_statements.
 */
export function preparedByDefault<T extends AnySql>(sql: T): T {
  const unsafe = sql.unsafe;
  sql.unsafe = ((text: string, args: unknown[] = [], options: Record<string, unknown> = {}) =>
    unsafe(text, args as never, { ...options, prepare: true })) as Unsafe;
  if (typeof sql.begin === "function") {
    const begin = sql.begin as (options: string, fn: (tx: TransactionSql) => unknown) => Promise<unknown>;
    sql.begin = ((options: string | ((tx: TransactionSql) => unknown), fn?: (tx: TransactionSql) => unknown) => {
      const body = (fn ?? options) as (tx: TransactionSql) => unknown;
      return begin(typeof options === "string" ? options : "", (tx) => body(preparedByDefault(tx)));
    }) as never;
  }
  if (typeof sql.savepoint === "function") {
    const savepoint = sql.savepoint as (name: string | null, fn: (tx: TransactionSql) => unknown) => Promise<unknown>;
    sql.savepoint = ((name: string | ((tx: TransactionSql) => unknown), fn?: (tx: TransactionSql) => unknown) => {
      const body = (fn ?? name) as (tx: TransactionSql) => unknown;
      return typeof name === "string"
        ? savepoint(name, (tx) => body(preparedByDefault(tx)))
        : (savepoint as unknown as (fn: (tx: TransactionSql) => unknown) => Promise<unknown>)((tx) => body(preparedByDefault(tx)));
    }) as never;
  }
  if (typeof sql.reserve === "function") {
    const reserve = sql.reserve as () => Promise<AnySql>;
    sql.reserve = (async () => preparedByDefault(await reserve())) as never;
  }
  return sql;
}
