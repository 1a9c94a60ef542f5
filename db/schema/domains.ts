import { sql } from "drizzle-orm";
import { boolean, index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { domainStatusEnum } from "./enums";
import { connections } from "./connections";
import { workspaces } from "./workspaces";

export const domains = pgTable(
  "domains",
  {
    id: uuid().primaryKey().defaultRandom(),
    workspaceId: uuid()
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    /** Normalised: lowercase ASCII (punycode), no trailing dot. */
    domain: text().notNull(),
    verificationToken: text().notNull(),
    status: domainStatusEnum().notNull().default("pending"),
    verifiedAt: timestamp({ withTimezone: true }),
    lastCheckedAt: timestamp({ withTimezone: true }),
    lastCheckError: text(),
    connectionId: uuid().references(() => connections.id, { onDelete: "set null" }),
    /** Development demo seed (acme.test): verified without DNS, never re-checked; never set in production. */
    demoSeed: boolean().notNull().default(false),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("domains_workspace_domain_key").on(t.workspaceId, t.domain),
    // A verified (or verified-then-failing) domain belongs to one workspace only.
    uniqueIndex("domains_owned_domain_key")
      .on(t.domain)
      .where(sql`status <> 'pending'`),
    index("domains_domain_idx").on(t.domain),
  ],
);
export type Domain = typeof domains.$inferSelect;
