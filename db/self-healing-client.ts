import type { ReservedSql, Sql } from "postgres";

/**
 * postgres.js (3.4.9) mishandles a connection that dies inside `sql.begin()` (porsager/postgres #1133,
 * #1186; the fixes are open pull requests #1155, #1209 and #1215). The transaction's scope still sends
 * statements, its own ROLLBACK at least, to that connection object after it closed. The pool later
 * reconnects the same object for other queries, and the stale statement is still in its send queue.
 * Queries on it then hang for good, or every reconnect ends in CONNECT_TIMEOUT. A write to its
 * missing socket also throws outside any request. Reproduced here through a TCP proxy:
 * `db/self-healing-client.db.test.ts` cuts the database off under transactions. Without this wrapper,
 * queries hung and sign-ins failed seconds after the database was back.
 *
 * Two measures, both here:
 * - A transaction body that fails because the link broke is not handed back to postgres.js as a
 *   failure (which would send ROLLBACK on the dead connection). It is left unsettled: `begin()` rejects
 *   anyway, with CONNECTION_CLOSED, as soon as the connection closes, and the database has already
 *   rolled the transaction back. If the connection has not closed `LINK_CLOSE_WAIT_MS` later, the
 *   failure is passed on as usual.
 * - Such a transaction also retires the whole client, for anything the first measure cannot stop
 *   (code that catches the error and issues another statement in the same transaction). New queries
 *   go to a fresh client (same options) at once. The old one ends: queries already running get
 *   `RETIRE_GRACE_S` to finish, and nothing new reaches its connections. At most one swap per
 *   `MIN_LIFETIME_MS`, so an outage that fails every request does not make a client per request.
 * Drizzle holds this object for the process's life; it forwards to whichever client is current.
 */
export const LINK_CLOSE_WAIT_MS = 2_000;
export const RETIRE_GRACE_S = 5;
export const MIN_LIFETIME_MS = 1_000;

type AnySql = Pick<Sql, "unsafe" | "begin" | "end" | "options"> & Partial<Pick<Sql, "reserve">>;

export type SelfHealingClient = Omit<AnySql, "reserve"> & {
  /** How many times the client was replaced (tests, logs). */
  readonly generation: number;
  /**
   * A connection of the current client for one caller (db/pipelined-transaction.ts), and how to report
   * that its link broke (`broken`: retires the client, as a broken transaction does) or that it is
   * damaged (`damaged`: retires the client whatever its age). Such a connection is not released
   * (postgres.js would put it back in the pool as if sound).
   */
  reserve: () => Promise<{ reserved: ReservedSql; broken: (e: unknown) => boolean; damaged: (e: unknown) => void }>;
};

export function selfHealingClient(
  make: () => AnySql,
  deps: { brokenLink: (e: unknown) => boolean; onRetire?: (generation: number, cause: unknown) => void },
): SelfHealingClient {
  let current = make();
  let bornAt = Date.now();
  let generation = 0;
  const retiring = new Set<Promise<unknown>>();

  const retire = (failed: AnySql, cause: unknown, force = false) => {
    // Only the client the failure came from, and not one just made (an outage fails every request),
    // unless a connection of it is known to be damaged (`force`).
    if (failed !== current || (!force && Date.now() - bornAt < MIN_LIFETIME_MS)) return;
    current = make();
    bornAt = Date.now();
    generation++;
    const ended = failed
      .end({ timeout: RETIRE_GRACE_S })
      .catch(() => {})
      .finally(() => retiring.delete(ended));
    retiring.add(ended);
    deps.onRetire?.(generation, cause);
  };

  const client = {
    get options() {
      return current.options;
    },
    get generation() {
      return generation;
    },
    unsafe: ((...args: Parameters<Sql["unsafe"]>) => current.unsafe(...args)) as Sql["unsafe"],
    begin: ((...args: unknown[]) => {
      const inst = current;
      const body = args.pop() as (tx: unknown) => unknown;
      let over = false; // begin() has settled: the scope must stay quiet for good
      const guarded = (tx: unknown) =>
        new Promise((resolve, reject) => {
          Promise.resolve()
            .then(() => body(tx))
            .then(resolve, (e: unknown) => {
              if (!deps.brokenLink(e)) return reject(e);
              // begin() rejects when the connection closes; until then, send it nothing (no ROLLBACK).
              setTimeout(() => over || reject(e), LINK_CLOSE_WAIT_MS).unref();
            });
        });
      return (inst.begin as (...a: unknown[]) => Promise<unknown>)(...args, guarded)
        .catch((e: unknown) => {
          if (deps.brokenLink(e)) retire(inst, e);
          throw e;
        })
        .finally(() => {
          over = true;
        });
    }) as Sql["begin"],
    reserve: async () => {
      const inst = current;
      const reserved = await inst.reserve!();
      const broken = (e: unknown) => {
        if (!deps.brokenLink(e)) return false;
        retire(inst, e);
        return true;
      };
      const damaged = (e: unknown) => retire(inst, e, true);
      return { reserved, broken, damaged };
    },
    end: (async (opts?: { timeout?: number }) => {
      await Promise.all([current.end(opts), ...retiring]);
    }) as Sql["end"],
  };
  return client;
}
