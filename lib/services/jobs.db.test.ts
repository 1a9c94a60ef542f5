import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgres, type DbHandle } from "@/db";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { claimJob, finishJob } from "./jobs";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.close();
});

describe("job leases", () => {
  it("one instance wins each run, the next run is due after everyMs, and a finished run frees the lease (on the real driver too)", async () => {
    const second: DbHandle | null = t.url ? await openPostgres(t.url, { max: 2 }) : null;
    const other = second?.db ?? t.db;
    const now = new Date("2030-03-01T00:00:00Z");
    const timing = { now, everyMs: 60_000, leaseMs: 30_000 };
    const [a, b] = await Promise.all([claimJob(t.db, "test.job", timing), claimJob(other, "test.job", timing)]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    expect(await claimJob(other, "test.job", { ...timing, now: new Date(now.getTime() + 10_000) })).toBe(false);
    await finishJob(t.db, "test.job", { startedAt: now, now: new Date(now.getTime() + 1_000), error: null });
    expect(await claimJob(other, "test.job", { ...timing, now: new Date(now.getTime() + 30_000) })).toBe(false); // not due yet
    expect(await claimJob(other, "test.job", { ...timing, now: new Date(now.getTime() + 61_000) })).toBe(true);
    await second?.close();
  });
});
