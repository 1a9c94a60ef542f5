import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createWorkspace } from "@/lib/services/workspaces";
import { createPgliteTestDb } from "./test-db";

describe("PGlite test databases", () => {
  it("a database a finished file closed comes back to the next one empty, as a new drizzle object, with the same schema", async () => {
    const first = await createPgliteTestDb();
    await createWorkspace(first.db, { slug: "pooled", name: "Pooled", ownerEmail: "owner@pooled.test" });
    await first.db.execute(sql`set application_name = 'left-behind'`);
    const firstDb = first.db;
    await first.close();
    await first.close(); // twice is harmless: handed back once

    const second = await createPgliteTestDb();
    const third = await createPgliteTestDb(); // a second one open at the same time is a different database
    try {
      expect(second.db).not.toBe(firstDb);
      // …over the same PGlite instance (reused, not booted again).
      const client = (db: unknown) => (db as { $client: unknown }).$client;
      expect(client(second.db)).toBe(client(firstDb));
      expect(client(third.db)).not.toBe(client(firstDb));
      const [counts] = rowsOf<{ workspaces: number; users: number; app: string }>(
        await second.db.execute(sql`select
          (select count(*)::int from workspaces) as workspaces,
          (select count(*)::int from users) as users,
          current_setting('application_name') as app`),
      );
      expect(counts).toEqual({ workspaces: 0, users: 0, app: "" });
      // The same slug can be taken again: nothing of the earlier file remains.
      await createWorkspace(second.db, { slug: "pooled", name: "Pooled", ownerEmail: "owner@pooled.test" });
      const rows = rowsOf<{ n: number }>(await third.db.execute(sql`select count(*)::int as n from workspaces`));
      expect(rows[0]!.n).toBe(0);
    } finally {
      await second.close();
      await third.close();
    }
  });
});

const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;
