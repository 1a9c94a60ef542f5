import { index, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./users";
import { workspaces } from "./workspaces";

export const setupLinkPurposeEnum = pgEnum("setup_link_purpose", ["sso", "domains", "directory"]);

/**
 * Setup links: an owner sends one to the customer's IT admin, who then sets up one thing (SSO,
 * domains or directory sync) of one workspace without a Gatehouse account. The token (256 random
 * bits) exists in clear only in the URL given to the owner once; only its SHA-256 is stored.
 */
export const setupLinks = pgTable(
  "setup_links",
  {
    id: uuid().primaryKey().defaultRandom(),
    workspaceId: uuid()
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    /** Shown in the audit log as "setup link <name>". */
    name: text().notNull(),
    purpose: setupLinkPurposeEnum().notNull(),
    tokenHash: text().notNull(),
    /** null: the operator (CLI) or an operator key. */
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    revokedAt: timestamp({ withTimezone: true }),
    /** The IT admin finished (a test sign-in through a connection of this link succeeded). */
    completedAt: timestamp({ withTimezone: true }),
    lastUsedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("setup_links_token_hash_key").on(t.tokenHash), index("setup_links_workspace_idx").on(t.workspaceId)],
);
export type SetupLink = typeof setupLinks.$inferSelect;

export const setupLinkResourceTypeEnum = pgEnum("setup_link_resource_type", ["connection", "directory"]);

/**
 * What a setup link made (connections, directories): the only rows that link may see and
 * change. A link never reaches what an owner or another link made.
 */
export const setupLinkResources = pgTable(
  "setup_link_resources",
  {
    setupLinkId: uuid()
      .notNull()
      .references(() => setupLinks.id, { onDelete: "cascade" }),
    resourceType: setupLinkResourceTypeEnum().notNull(),
    /** The connection or directory id (no FK: one column for two tables; a deleted row is simply not found). */
    resourceId: uuid().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.setupLinkId, t.resourceType, t.resourceId] }),
    index("setup_link_resources_resource_idx").on(t.resourceId),
  ],
);
