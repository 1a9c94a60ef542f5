import { integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * One row per periodic job: the instance that moves `leaseUntil` forward owns the run, so with any
 * number of instances a job runs once per interval, by exactly one of them.
 */
export const jobLeases = pgTable("job_leases", {
  name: text().primaryKey(),
  leaseUntil: timestamp({ withTimezone: true }).notNull(),
  lastStartedAt: timestamp({ withTimezone: true }).notNull(),
  lastFinishedAt: timestamp({ withTimezone: true }),
  lastError: text(),
  runs: integer().notNull().default(0),
});

export type JobLease = typeof jobLeases.$inferSelect;
