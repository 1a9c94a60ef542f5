import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { apiKeyScopeEnum, roleEnum } from "./enums";
import { users } from "./users";
import { workspaces } from "./workspaces";

export const apiKeys = pgTable(
  "api_keys",
  {
    id: uuid().primaryKey().defaultRandom(),
    workspaceId: uuid()
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    name: text().notNull(),
    /** First characters of the key, shown in lists ("gh_live_ab12cd"). */
    prefix: text().notNull(),
    /** SHA-256 of the whole key (the key has 256 bits of entropy; no slow hash needed). */
    keyHash: text().notNull(),
    /** The member who made the key (null: the operator made it with the CLI). Their keys go with them. */
    createdBy: uuid().references(() => users.id, { onDelete: "cascade" }),
    /**
     * The most the key may do: its creator's role when it was made (operator keys: admin, or owner
     * when made with --role owner). Each request acts with min(role, the creator's current role).
     */
    role: roleEnum().notNull().default("admin"),
    scope: apiKeyScopeEnum().notNull().default("read_write"),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [uniqueIndex("api_keys_key_hash_key").on(t.keyHash), index("api_keys_workspace_idx").on(t.workspaceId)],
);
export type ApiKey = typeof apiKeys.$inferSelect;

export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    /**
     * The calling key: a workspace API key or an operator key (random UUIDs of two tables, so no
     * foreign key; rows of deleted keys go with the 24 h retention sweep).
     */
    apiKeyId: uuid().notNull(),
    key: text().notNull(),
    requestHash: text().notNull(),
    statusCode: integer(),
    response: jsonb(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.apiKeyId, t.key] }), index("idempotency_keys_created_idx").on(t.createdAt)],
);
