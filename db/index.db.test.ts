import os from "node:os";
import path from "node:path";
import { mkdtempSync } from "node:fs";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openPglite, openPostgres } from "@/db";
import { postgresReachable, withDatabase } from "@/lib/testing/test-db";
import { testDatabaseBaseUrl } from "@/lib/env";
import { createWorkspace, findWorkspaceBySlug } from "@/lib/services/workspaces";

describe("embedded database (PGlite)", () => {
  it("keeps data across a restart and refuses a second process on the same directory", async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), "gh-pglite-")), "pglite");
    const first = await openPglite(dir);
    await first.migrate();
    await createWorkspace(first.db, { slug: "persist", name: "Persist", ownerEmail: "p@persist.test" });
    await first.close();

    const second = await openPglite(dir);
    await second.migrate(); // idempotent
    expect((await findWorkspaceBySlug(second.db, "persist"))?.name).toBe("Persist");
    await second.close();
  }, 60_000);
});

describe("real Postgres", () => {
  it("several instances can migrate the same database at once (advisory lock)", async (ctx) => {
    if (!(await postgresReachable())) ctx.skip();
    const { default: postgres } = await import("postgres");
    const base = testDatabaseBaseUrl();
    const name = `gh_t_multi_${Date.now().toString(36)}`;
    const admin = postgres(base, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    try {
      const url = withDatabase(base, name);
      const instances = await Promise.all([openPostgres(url, { max: 2 }), openPostgres(url, { max: 2 }), openPostgres(url, { max: 2 })]);
      await Promise.all(instances.map((i) => i.migrate()));
      const [row] = (await instances[0]!.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`)) as unknown as Array<{
        n: number;
      }>;
      expect(row!.n).toBeGreaterThan(0);
      await createWorkspace(instances[1]!.db, { slug: "multi", name: "Multi", ownerEmail: "m@multi.test" });
      expect(await findWorkspaceBySlug(instances[2]!.db, "multi")).toBeTruthy();
      await Promise.all(instances.map((i) => i.close()));
    } finally {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });
});
