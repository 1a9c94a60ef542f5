import { randomBytes } from "node:crypto";
import { eq, like, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { rateLimits } from "@/db/schema";
import { isDatabaseUnavailable } from "@/lib/db-unavailable";
import { postgresBehindProxy, type PgProxy } from "@/lib/testing/pg-proxy";
import { bothTestDbKinds, createTestDb, type TestDb } from "@/lib/testing/test-db";
import { expectSql, isExpectationFailure, pipelinedTransaction, sendWithCommit } from "./pipelined-transaction";

/** Rows of rate_limits (a table without foreign keys) under one test's own prefix. */
const prefix = () => `pt-${randomBytes(4).toString("hex")}:`;
const row = (key: string) => ({ key, windowStart: new Date(), count: 1 });
const keysUnder = async (db: Db, p: string) =>
  (
    await db
      .select({ key: rateLimits.key })
      .from(rateLimits)
      .where(like(rateLimits.key, `${p}%`))
  )
    .map((r) => r.key)
    .sort();

describe.each(await bothTestDbKinds())("pipelinedTransaction on %s", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb({ kind });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("commits what the body awaited and what it sent with the commit", async () => {
    const p = prefix();
    const result = await pipelinedTransaction(t.db, async (tx) => {
      await tx.insert(rateLimits).values(row(`${p}a`));
      sendWithCommit(tx, tx.insert(rateLimits).values(row(`${p}b`)));
      sendWithCommit(
        tx,
        tx
          .update(rateLimits)
          .set({ count: 2 })
          .where(eq(rateLimits.key, `${p}b`)),
      );
      return "done";
    });
    expect(result).toBe("done");
    expect(await keysUnder(t.db, p)).toEqual([`${p}a`, `${p}b`]);
    // Sent in order: the update found the row inserted just before it.
    const [b] = await t.db
      .select()
      .from(rateLimits)
      .where(eq(rateLimits.key, `${p}b`));
    expect(b!.count).toBe(2);
  });

  it("a statement sent with the commit that fails rolls everything back, and the transaction rejects with its error", async () => {
    const p = prefix();
    const err = await pipelinedTransaction(t.db, async (tx) => {
      await tx.insert(rateLimits).values(row(`${p}a`));
      sendWithCommit(tx, tx.select({ ok: expectSql(sql`false`, "a row that is not there") }).from(sql`(select 1) as one`));
      sendWithCommit(tx, tx.insert(rateLimits).values(row(`${p}b`)));
    }).catch((e: unknown) => e);
    expect(isExpectationFailure(err)).toBe(true);
    expect(String((err as { cause?: { message?: string } }).cause?.message ?? err)).toContain("a row that is not there");
    expect(await keysUnder(t.db, p)).toEqual([]);
  });

  it("a body that throws rolls back, and the connection serves the next transaction", async () => {
    const p = prefix();
    const boom = new Error("refused by the body");
    await expect(
      pipelinedTransaction(t.db, async (tx) => {
        sendWithCommit(tx, tx.insert(rateLimits).values(row(`${p}a`)));
        throw boom;
      }),
    ).rejects.toBe(boom);
    await pipelinedTransaction(t.db, async (tx) => sendWithCommit(tx, tx.insert(rateLimits).values(row(`${p}b`))));
    expect(await keysUnder(t.db, p)).toEqual([`${p}b`]);
  });

  it("a savepoint that fails takes back only its own statements; the rest commits", async () => {
    const p = prefix();
    await pipelinedTransaction(t.db, async (tx) => {
      sendWithCommit(tx, tx.insert(rateLimits).values(row(`${p}before`)));
      const inner = await pipelinedTransaction(tx, async (sp) => {
        await sp.insert(rateLimits).values(row(`${p}inner`));
        // A duplicate key inside the savepoint: it fails, and so does the savepoint.
        await sp.insert(rateLimits).values(row(`${p}inner`));
      }).catch((e: unknown) => e);
      expect(inner).toBeInstanceOf(Error);
      sendWithCommit(tx, tx.insert(rateLimits).values(row(`${p}after`)));
    });
    expect(await keysUnder(t.db, p)).toEqual([`${p}after`, `${p}before`]);
  });

  it("sendWithCommit outside a pipelined transaction is refused (its failure would go unnoticed)", async () => {
    expect(() => sendWithCommit(t.db, t.db.insert(rateLimits).values(row(`${prefix()}x`)))).toThrow(/not a pipelinedTransaction/);
    await t.db.transaction(async (tx) => {
      expect(() => sendWithCommit(tx, tx.insert(rateLimits).values(row(`${prefix()}x`)))).toThrow(/not a pipelinedTransaction/);
    });
  });
});

describe.runIf((await bothTestDbKinds()).includes("postgres"))("pipelinedTransaction on the wire (Postgres through a proxy)", () => {
  let setup: Awaited<ReturnType<typeof postgresBehindProxy>>;
  let proxy: PgProxy;
  let db: Db;
  beforeAll(async () => {
    // One connection: statements are prepared once per connection, and the first use of one costs a trip.
    setup = await postgresBehindProxy({ max: 1, answerDelayMs: 20 });
    ({ proxy, db } = { proxy: setup.proxy, db: setup.app.db });
  });
  afterAll(async () => {
    await setup?.close();
  });

  const trips = async (body: (tx: Db) => Promise<unknown>) => {
    await pipelinedTransaction(db, body); // prepares the statements on the connection
    proxy.resetCounts();
    await pipelinedTransaction(db, body);
    return { roundTrips: proxy.roundTrips(), sent: proxy.sent().filter((s) => !s.startsWith("-- ")) };
  };

  it("BEGIN, the statements sent with the commit and COMMIT cost one round trip, in the order sent", async () => {
    const p = prefix();
    const r = await trips(async (tx) => {
      sendWithCommit(
        tx,
        tx
          .insert(rateLimits)
          .values(row(`${p}a`))
          .onConflictDoNothing(),
      );
      sendWithCommit(
        tx,
        tx
          .update(rateLimits)
          .set({ count: 2 })
          .where(eq(rateLimits.key, `${p}a`)),
      );
    });
    expect(r.roundTrips).toBe(1);
    expect(r.sent.map((s) => s.split(" ")[0])).toEqual(["begin", "insert", "update", "commit"]);
  });

  it("a statement the body waits for costs one more, with BEGIN in front of it", async () => {
    const p = prefix();
    const r = await trips(async (tx) => {
      await tx
        .select()
        .from(rateLimits)
        .where(eq(rateLimits.key, `${p}a`));
      sendWithCommit(
        tx,
        tx
          .insert(rateLimits)
          .values(row(`${p}a`))
          .onConflictDoNothing(),
      );
    });
    expect(r.roundTrips).toBe(2);
    expect(r.sent.map((s) => s.split(" ")[0])).toEqual(["begin", "select", "insert", "commit"]);
  });

  it("a value postgres.js cannot send is refused before it reaches the connection: nothing commits, the connection stays in step", async () => {
    // postgres.js 3.4.9 would fail the head of the pipeline instead of such a statement, after which the
    // connection's answers no longer match its statements.
    const p = prefix();
    const failed = await pipelinedTransaction(db, async (tx) => {
      sendWithCommit(tx, tx.insert(rateLimits).values(row(`${p}a`)));
      sendWithCommit(tx, tx.execute(sql`select ${Symbol("not a value") as unknown as string} as x`));
      sendWithCommit(tx, tx.insert(rateLimits).values(row(`${p}b`)));
    }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(Error);
    expect(await keysUnder(db, p)).toEqual([]);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => db.execute(sql`select ${i}::int as i`)));
    expect(answers.map((r) => Number((r as unknown as { i: number }[])[0]!.i))).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it("a link that breaks mid-transaction fails it as the database being unavailable; afterwards queries answer", async () => {
    const p = prefix();
    const failed = await pipelinedTransaction(db, async (tx) => {
      await tx.insert(rateLimits).values(row(`${p}a`));
      await proxy.down();
      await tx.insert(rateLimits).values(row(`${p}b`));
    }).catch((e: unknown) => e);
    expect(isDatabaseUnavailable(failed)).toBe(true);
    await proxy.up();
    const deadline = Date.now() + 5_000;
    let keys: string[] | null = null;
    while (keys === null && Date.now() < deadline) {
      keys = await keysUnder(db, p).catch(() => null);
      if (keys === null) await new Promise((r) => setTimeout(r, 100));
    }
    expect(keys).toEqual([]);
    await pipelinedTransaction(db, async (tx) => sendWithCommit(tx, tx.insert(rateLimits).values(row(`${p}c`))));
    expect(await keysUnder(db, p)).toEqual([`${p}c`]);
  });
});
