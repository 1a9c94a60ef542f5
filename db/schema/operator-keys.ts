import { pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

/**
 * Operator API keys: the instance-level management API (organizations, applications, and every
 * workspace-scoped resource of any organization). Made only with the CLI (`operator-keys:create`),
 * stored as SHA-256, with their own prefix ("gh_op_") so a workspace key ("gh_live_") can never pass.
 */
export const operatorKeys = pgTable(
  "operator_keys",
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull(),
    /** First characters of the key, shown in lists ("gh_op_ab12cd"). */
    prefix: text().notNull(),
    keyHash: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [uniqueIndex("operator_keys_key_hash_key").on(t.keyHash)],
);

export type OperatorKey = typeof operatorKeys.$inferSelect;
