import { is, sql } from "drizzle-orm";
import { PostgresJsSession, PostgresJsTransaction } from "drizzle-orm/postgres-js";
import type { PendingQuery, ReservedSql, Row } from "postgres";
import type { Db } from "./index";

/**
 * A transaction that does not wait where it need not (issue 16: a sign-in's round trips).
 *
 * postgres.js's `begin()` waits for BEGIN before the body runs and sends COMMIT after it, each as a
 * round trip of its own, and so does every savepoint. Here, on a reserved connection, statements go
 * out in the order they are issued, and none waits for the one before:
 * - BEGIN travels with the body's first statements;
 * - a savepoint (`tx.transaction(...)`) travels with the statements inside it, and its RELEASE or
 *   ROLLBACK TO with whatever comes next;
 * - COMMIT travels with the statements the body sent with `sendWithCommit` and did not wait for.
 *
 * The order on the wire is the order in which drizzle hands statements to the connection: each is sent
 * as soon as it is issued (`.execute()`, or the `await` that runs it), and Postgres runs them in that
 * order. A body that needs one statement's answer before the next awaits it, as in any transaction.
 *
 * Failure: a statement that fails aborts the transaction; the body's error rolls it back; a statement
 * sent with the commit that fails turns the COMMIT into a rollback (Postgres answers ROLLBACK), and
 * the transaction rejects with that statement's error. A condition on such a statement's result is
 * checked in SQL (`expectSql`), since nobody reads the result before the commit.
 *
 * Any other driver (PGlite, in-process: no round trips to save) runs the body in drizzle's own
 * transaction and waits for the statements sent with the commit before committing.
 */
export async function pipelinedTransaction<T>(db: Db, body: (tx: Db) => Promise<T>): Promise<T> {
  // Inside one already: a savepoint of it (sent without waiting, like the rest).
  if (SCOPES.has(clientOf(db))) return db.transaction(body);
  const session = (db as unknown as { session: unknown }).session;
  const client = is(session, PostgresJsSession) ? (session.client as unknown as Partial<Reservable>) : null;
  if (!client?.reserve) return inDrizzleTransaction(db, body);
  const { reserved, broken, damaged } = await client.reserve();
  const scope: Scope = { sent: [], savepoints: 0, broken, linkBroke: false, pending: new Set(), refusal: null, damage: null };
  const conn = scopedClient(reserved, scope);
  tracked(scope, conn.unsafe("begin"));
  const s = session as unknown as { schema: never; options: never };
  const dialect = (db as unknown as { dialect: never }).dialect;
  const txSession = new PostgresJsSession(conn as never, dialect, s.schema, s.options);
  SCOPES.set(conn, scope);
  let result: T;
  try {
    result = await body(new PostgresJsTransaction(dialect, txSession, s.schema) as unknown as Db);
  } catch (e) {
    if (broken(e)) breakLink(scope, e);
    await finish(reserved, "rollback", scope, damaged).catch(() => {});
    throw e;
  }
  await finish(reserved, "commit", scope, damaged);
  return result;
}

/**
 * Send a statement whose answer the body does not need: it goes out now, COMMIT goes out behind it
 * without waiting, and the transaction fails if it fails. Only inside `pipelinedTransaction`.
 */
export function sendWithCommit(tx: Db, statement: { execute: () => Promise<unknown> }): void {
  const scope = SCOPES.get(clientOf(tx));
  if (!scope) throw new Error("sendWithCommit: not a pipelinedTransaction's transaction");
  tracked(scope, statement.execute());
}

/** `gatehouse_expect(ok, what)` (migration 0014): true, or an error GH001 "expected: what" that aborts the transaction. */
export function expectSql(ok: ReturnType<typeof sql>, what: string) {
  return sql<boolean>`gatehouse_expect(${ok}, ${what})`;
}

/** A condition a statement checked in SQL did not hold (see `expectSql`). */
export function isExpectationFailure(e: unknown): boolean {
  const cause = (e as { cause?: unknown })?.cause ?? e;
  return (cause as { code?: unknown })?.code === "GH001";
}

type Reservable = {
  reserve: () => Promise<{ reserved: ReservedSql; broken: (e: unknown) => boolean; damaged: (e: unknown) => void }>;
};
type Sent = { done: Promise<unknown>; failure?: { error: unknown } };
type Scope = {
  /** Every statement sent with the commit (and each savepoint's own), in order: each must succeed. */
  sent: Sent[];
  savepoints: number;
  broken: (e: unknown) => boolean;
  /** A statement failed because the connection broke: nothing more is sent on it. */
  linkBroke: boolean;
  /** Statements handed to the connection and not yet answered. */
  pending: Set<{ reject: (e: unknown) => void }>;
  /** A statement refused before it reached the connection (`sendable`): the transaction cannot commit. */
  refusal: unknown;
  /**
   * A statement failed in the client, not in the database (e.g. a value postgres.js cannot serialize).
   * postgres.js 3.4.9 then fails the statement at the head of the connection's pipeline instead, and the
   * answers of the rest no longer match their statements: the connection must never serve anyone again.
   */
  damage: unknown;
};
type ScopedClient = {
  unsafe: (text: string, params?: unknown[], options?: Record<string, unknown>) => PendingQuery<Row[]>;
  savepoint: <R>(fn: (c: ScopedClient) => Promise<R>) => Promise<R>;
};

/**
 * The transactions handed out here, by their session's client (a savepoint's transaction object is a
 * new one, on the same client), and the statements each sent.
 */
const SCOPES = new WeakMap<object, Scope>();

function clientOf(db: Db): object {
  return (db as unknown as { session: { client: object } }).session.client;
}

function tracked<P extends Promise<unknown>>(scope: Scope, p: P): P {
  const entry: Sent = { done: p };
  p.catch((e: unknown) => (entry.failure = { error: e })); // looked at when the transaction ends
  scope.sent.push(entry);
  return p;
}

/**
 * The values postgres.js can send, checked before a statement is handed to the connection. postgres.js
 * 3.4.9 fails the statement at the head of a pipeline, not the one it could not encode (and the
 * answers after it no longer match their statements): a value it cannot encode must never reach it.
 * Dates go as ISO text, as drizzle sends them for its timestamp columns.
 */
function sendable(params: unknown[]): unknown[] {
  return params.map((v, i) => {
    if (v instanceof Date) return v.toISOString();
    if (v === undefined || typeof v === "symbol" || typeof v === "function") {
      throw new TypeError(`pipelinedTransaction: parameter $${i + 1} cannot be sent (${typeof v})`);
    }
    return v;
  });
}

/**
 * What drizzle's session calls, over the reserved connection: every statement is handed to the
 * connection at once (postgres.js would wait for the first `then`), so the order on the wire is the
 * order of the calls. Savepoints as drizzle's postgres-js transaction expects them, without waiting.
 */
function scopedClient(reserved: ReservedSql, scope: Scope): ScopedClient {
  const client: ScopedClient = {
    unsafe: (text, params = [], options = {}) => {
      if (scope.linkBroke || scope.damage) return refused();
      let values: unknown[];
      try {
        values = sendable(params);
      } catch (e) {
        scope.refusal ??= e; // known now, before COMMIT is decided
        throw e;
      }
      const q = reserved.unsafe(text, values as never[], options).execute() as unknown as PendingQuery<Row[]>;
      const pending = q as unknown as { reject: (e: unknown) => void };
      scope.pending.add(pending);
      q.then(
        () => scope.pending.delete(pending),
        (e: unknown) => {
          scope.pending.delete(pending);
          if (scope.broken(e)) breakLink(scope, e);
          else if (!isDatabaseAnswer(e)) scope.damage ??= e;
        },
      );
      return q;
    },
    savepoint: async (fn) => {
      const name = `s${scope.savepoints++}`;
      tracked(scope, client.unsafe(`savepoint ${name}`));
      const mark = { sent: scope.sent.length, refusal: scope.refusal };
      try {
        const r = await fn(client);
        tracked(scope, client.unsafe(`release savepoint ${name}`));
        return r;
      } catch (e) {
        // What the savepoint's statements did, or failed to do, is undone here: their failures are
        // not the transaction's.
        scope.sent.splice(mark.sent);
        scope.refusal = mark.refusal;
        tracked(scope, client.unsafe(`rollback to savepoint ${name}`));
        throw e;
      }
    },
  };
  return client;
}

/**
 * The link broke: nothing more is sent, and every statement still waiting fails now. postgres.js 3.4.9
 * never settles a statement it had queued behind a busy reserved connection when that connection
 * closes (the request would hang until its client gave up).
 */
function breakLink(scope: Scope, e: unknown) {
  scope.linkBroke = true;
  for (const q of scope.pending) q.reject(e);
  scope.pending.clear();
}

/** An error the database sent (it has a SQLSTATE): the connection is in step, whatever the statement did. */
function isDatabaseAnswer(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) && typeof (e as { severity?: unknown }).severity === "string";
}

/** A statement not sent because the connection broke: fails as postgres.js does for a closed connection. */
function refused(): PendingQuery<Row[]> {
  const p = Promise.reject(
    Object.assign(new Error("the database connection broke during this transaction"), { code: "CONNECTION_CLOSED" }),
  );
  return Object.assign(p, { values: () => p, execute: () => p }) as unknown as PendingQuery<Row[]>;
}

/**
 * COMMIT (or ROLLBACK) behind everything sent; then the first failure among them, if any. Nothing is
 * sent on a connection whose link broke (Postgres rolls the transaction back when the connection
 * goes, and postgres.js may keep a statement sent to a closed connection waiting), and such a
 * connection is not handed back: the client retires it (see self-healing-client).
 */
async function finish(reserved: ReservedSql, end: "commit" | "rollback", scope: Scope, damaged: (e: unknown) => void) {
  // A statement refused in the client (it never reached the database) means ROLLBACK, as does any
  // statement already known to have failed.
  const early = scope.refusal ? { error: scope.refusal } : scope.sent.find((x) => x.failure)?.failure;
  const say = early ? "rollback" : end;
  const last = scope.linkBroke || scope.damage ? null : reserved.unsafe(say).execute();
  const settled = await Promise.allSettled([...scope.sent.map((x) => x.done), ...(last ? [last] : [])]);
  const failure =
    scope.damage ?? early?.error ?? (settled.find((x) => x.status === "rejected") as PromiseRejectedResult | undefined)?.reason;
  if (scope.damage) damaged(scope.damage);
  else if (!scope.linkBroke) reserved.release();
  if (end === "rollback") return;
  if (failure) throw failure;
  if (!last) throw new Error("pipelinedTransaction: the connection broke before COMMIT");
  const tag = (settled.at(-1) as PromiseFulfilledResult<{ command?: string }>).value.command;
  if (tag !== "COMMIT") throw new Error(`pipelinedTransaction: the database answered ${tag} to COMMIT`);
}

async function inDrizzleTransaction<T>(db: Db, body: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    const scope: Scope = {
      sent: [],
      savepoints: 0,
      broken: () => false,
      linkBroke: false,
      pending: new Set(),
      refusal: null,
      damage: null,
    };
    SCOPES.set(clientOf(tx), scope);
    const result = await body(tx);
    for (const x of scope.sent) await x.done;
    return result;
  });
}
