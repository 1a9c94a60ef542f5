import type { Db } from "@/db";
import { logger } from "@/lib/logger";
import { claimJob, finishJob } from "@/lib/services/jobs";
import { jobs as allJobs, type Job } from "./jobs";

/**
 * Runs the periodic jobs of server/jobs.ts in this instance. Every instance runs a scheduler; a job
 * run is taken by exactly one instance through its lease row, so adding instances never repeats work.
 * Timers are unref'd: the scheduler never keeps a process alive.
 */

const DEFAULT_TICK_MS = 5_000;
const DEFAULT_LEASE_MS = 60_000;

type Scheduler = { timer: NodeJS.Timeout; stop: () => Promise<void>; nudge: (name: string) => void };
type Global = typeof globalThis & { __gatehouseScheduler?: Scheduler };

export type SchedulerOptions = {
  getDb: () => Promise<Db>;
  jobs?: Job[];
  tickMs?: number;
  now?: () => Date;
};

export function startScheduler(opts: SchedulerOptions): Scheduler {
  const g = globalThis as Global;
  if (g.__gatehouseScheduler) return g.__gatehouseScheduler;
  const jobs = opts.jobs ?? allJobs;
  const now = opts.now ?? (() => new Date());
  const running = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  const nudged = new Set<string>();
  let stopped = false;

  const runOne = async (job: Job, force: boolean) => {
    if (running.has(job.name) || stopped) return;
    running.add(job.name);
    try {
      const db = await opts.getDb();
      const startedAt = now();
      const claimed = await claimJob(db, job.name, {
        now: startedAt,
        everyMs: force ? 0 : job.everyMs,
        leaseMs: job.leaseMs ?? DEFAULT_LEASE_MS,
      });
      if (!claimed) return;
      let error: string | null = null;
      try {
        const summary = await job.run(db, startedAt);
        if (summary && Object.values(summary).some((v) => typeof v === "number" && v > 0)) logger.info(`job ${job.name}`, summary);
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
        logger.error(`job ${job.name} failed`, { err });
      }
      await finishJob(db, job.name, { startedAt, now: now(), error });
    } catch (err) {
      logger.warn(`job ${job.name} could not run`, { err });
    } finally {
      running.delete(job.name);
    }
  };

  const tick = () => {
    for (const job of jobs) {
      const force = nudged.delete(job.name);
      const p = runOne(job, force);
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }
  };
  const timer = setInterval(tick, opts.tickMs ?? DEFAULT_TICK_MS);
  timer.unref();
  const scheduler: Scheduler = {
    timer,
    nudge: (name) => {
      nudged.add(name);
      setImmediate(tick);
    },
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      g.__gatehouseScheduler = undefined;
      await Promise.allSettled([...inFlight]);
    },
  };
  g.__gatehouseScheduler = scheduler;
  return scheduler;
}

/** Run one job now, in this process, whatever its lease says (tests, the CLI). */
export async function runJob(db: Db, name: string, at: Date = new Date()): Promise<Record<string, unknown> | void> {
  const job = allJobs.find((j) => j.name === name);
  if (!job) throw new Error(`unknown job ${name}`);
  return job.run(db, at);
}
