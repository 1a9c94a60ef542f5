import { randomBytes } from "node:crypto";
import { eq, like, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rateLimits } from "@/db/schema";
import { bothTestDbKinds, createTestDb, type TestDb } from "@/lib/testing/test-db";
import { cachedSelect } from "./cached-statement";
import { pipelinedTransaction } from "./pipelined-transaction";

describe.each(await bothTestDbKinds())("cachedSelect on %s", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb({ kind });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("builds the text once, binds each call's values as parameters, and runs on the caller's session", async () => {
    const p = `cs-${randomBytes(4).toString("hex")}:`;
    await t.db
      .insert(rateLimits)
      .values(["a", "b", "it's; drop table users; --"].map((k, i) => ({ key: `${p}${k}`, windowStart: new Date(), count: i + 1 })));
    let built = 0;
    const byKey = cachedSelect((db) => {
      built++;
      return db
        .select({ key: rateLimits.key, count: rateLimits.count, windowStart: rateLimits.windowStart })
        .from(rateLimits)
        .where(eq(rateLimits.key, sql.placeholder("key")));
    });
    const [a] = await byKey(t.db, { key: `${p}a` });
    const [b] = await byKey(t.db, { key: `${p}b` });
    // A value is a parameter, never text: quotes and semicolons find their own row.
    const [odd] = await byKey(t.db, { key: `${p}it's; drop table users; --` });
    expect([a?.count, b?.count, odd?.count]).toEqual([1, 2, 3]);
    expect(a!.windowStart).toBeInstanceOf(Date); // rows are mapped as drizzle maps them
    // Inside a transaction and a pipelined one: the statement runs there (it sees uncommitted rows).
    await t.db
      .transaction(async (tx) => {
        await tx.insert(rateLimits).values({ key: `${p}tx`, windowStart: new Date(), count: 7 });
        expect((await byKey(tx, { key: `${p}tx` }))[0]?.count).toBe(7);
        tx.rollback();
      })
      .catch(() => {});
    await pipelinedTransaction(t.db, async (tx) => {
      await tx.insert(rateLimits).values({ key: `${p}ptx`, windowStart: new Date(), count: 8 });
      expect((await byKey(tx, { key: `${p}ptx` }))[0]?.count).toBe(8);
    });
    expect(built).toBe(1);
    expect(
      (
        await t.db
          .select()
          .from(rateLimits)
          .where(like(rateLimits.key, `${p}%`))
      ).length,
    ).toBe(4);
  });
});
