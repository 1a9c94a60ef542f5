import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db";
import { postgresBehindProxy, type PgProxy } from "@/lib/testing/pg-proxy";
import { postgresReachable, testDbMode } from "@/lib/testing/test-db";

/**
 * The app's Postgres client through a loopback proxy that cuts every connection (a reset, as a crash
 * or a network cut looks) while transactions are in flight. With postgres.js 3.4.9 alone, connections
 * that died inside a transaction came back damaged: after the database returned, some queries hung
 * for good and others failed with CONNECT_TIMEOUT (see db/self-healing-client.ts).
 */
const onPostgres = testDbMode() !== "pglite" && (await postgresReachable());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!onPostgres)("a database cut while transactions run (Postgres through a proxy)", () => {
  let setup: Awaited<ReturnType<typeof postgresBehindProxy>>;
  let proxy: PgProxy;
  let app: DbHandle;

  beforeAll(async () => {
    setup = await postgresBehindProxy({ max: 10 });
    ({ proxy, app } = setup);
  });
  afterAll(async () => {
    await setup?.close();
  });

  /** A query that must answer within 3 s: anything slower after recovery is a hung connection. */
  const answers = (i: number) =>
    Promise.race([app.db.execute(sql`select ${i}::int as i, pg_sleep(0.02)`).then(() => "ok"), sleep(3_000).then(() => "hung")]).catch(
      (e: { code?: string; message: string }) => e.code ?? e.message,
    );

  it("after the database is back, every query answers and every transaction commits; nothing hangs", async () => {
    for (let cut = 0; cut < 3; cut++) {
      let stop = false;
      const late: string[] = [];
      let back = Number.POSITIVE_INFINITY;
      // Six sign-in-like transactions at a time, several statements each.
      const load = Array.from({ length: 6 }, async () => {
        while (!stop) {
          const started = Date.now();
          try {
            await app.db.transaction(async (tx) => {
              await tx.execute(sql`select 1`);
              await tx.execute(sql`select pg_sleep(0.01)`);
              await tx.execute(sql`select 2`);
              await tx.execute(sql`select 3`);
            });
          } catch (e) {
            if (started > back + 1_000) late.push((e as { code?: string }).code ?? String(e));
          }
          await sleep(2);
        }
      });
      await sleep(300);
      await proxy.down();
      await sleep(1_000);
      await proxy.up();
      back = Date.now();
      await sleep(2_500);
      stop = true;
      const finished = await Promise.race([Promise.all(load).then(() => true), sleep(5_000).then(() => false)]);
      expect(finished, `cut ${cut}: transactions still pending 5 s after the load stopped`).toBe(true);
      expect(late, `cut ${cut}: transactions begun 1 s after the database was back failed`).toEqual([]);
      const after = await Promise.all(Array.from({ length: 30 }, (_, i) => answers(i)));
      expect(
        after.filter((r) => r !== "ok"),
        `cut ${cut}: 30 parallel queries after recovery`,
      ).toEqual([]);
      // The client that took over parses arrays as the first did (it reuses the server's array types).
      const arrays = (await app.db.execute(sql`select array['a', 'b']::text[] as a, array[1, 2]::int[] as n`)) as unknown as {
        a: string[];
        n: number[];
      }[];
      expect([...arrays]).toEqual([{ a: ["a", "b"], n: [1, 2] }]);
    }
  }, 60_000);
});
