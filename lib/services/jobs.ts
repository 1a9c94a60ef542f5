import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { jobLeases } from "@/db/schema";

export type JobTiming = { now: Date; everyMs: number; leaseMs: number };

/**
 * Take the next run of `name` for this instance, or learn that it is not due / another instance
 * holds it. One statement decides, so two instances never both win.
 */
export async function claimJob(db: Db, name: string, t: JobTiming): Promise<boolean> {
  const leaseUntil = new Date(t.now.getTime() + t.leaseMs);
  const dueBefore = new Date(t.now.getTime() - t.everyMs);
  const rows = await db
    .insert(jobLeases)
    .values({ name, leaseUntil, lastStartedAt: t.now, runs: 1 })
    .onConflictDoUpdate({
      target: jobLeases.name,
      set: { leaseUntil, lastStartedAt: t.now, runs: sql`${jobLeases.runs} + 1` },
      // Timestamps as ISO text with a cast: postgres.js cannot bind a Date inside a raw sql fragment.
      setWhere: sql`${jobLeases.leaseUntil} <= ${t.now.toISOString()}::timestamptz and ${jobLeases.lastStartedAt} <= ${dueBefore.toISOString()}::timestamptz`,
    })
    .returning({ name: jobLeases.name });
  return rows.length === 1;
}

/**
 * Release the lease taken at `startedAt` (the next run is due `everyMs` after that). A run that
 * outlived its lease, and was taken over by another instance, releases nothing.
 */
export async function finishJob(db: Db, name: string, r: { startedAt: Date; now: Date; error: string | null }): Promise<void> {
  await db
    .update(jobLeases)
    .set({ leaseUntil: r.now, lastFinishedAt: r.now, lastError: r.error ? r.error.slice(0, 500) : null })
    .where(and(eq(jobLeases.name, name), eq(jobLeases.lastStartedAt, r.startedAt)));
}

export async function listJobLeases(db: Db) {
  return db.select().from(jobLeases).orderBy(jobLeases.name);
}

/**
 * Ask this process's scheduler (server/scheduler.ts, if one runs here) to run a job now, e.g. right
 * after enqueuing a delivery; without a scheduler the next tick of any instance picks the work up.
 */
export function nudgeJob(name: string): void {
  (globalThis as { __gatehouseScheduler?: { nudge: (n: string) => void } }).__gatehouseScheduler?.nudge(name);
}
