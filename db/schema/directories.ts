import { sql } from "drizzle-orm";
import { boolean, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import type { DirectoryKind } from "@/lib/schemas/directories";
import { roleEnum } from "./enums";
import { connections } from "./connections";
import { users } from "./users";
import { workspaces } from "./workspaces";

/** A SCIM 2.0 directory: the customer's IdP provisions this workspace's people through it. */
export const directories = pgTable(
  "directories",
  {
    id: uuid().primaryKey().defaultRandom(),
    workspaceId: uuid()
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    name: text().notNull(),
    kind: text().$type<DirectoryKind>().notNull(),
    /** Optional: the SSO connection the same IdP signs people in with (shown on members it provisions). */
    connectionId: uuid().references(() => connections.id, { onDelete: "set null" }),
    /** Off: every SCIM request is refused (403); nobody's access changes. */
    active: boolean().notNull().default(true),
    /** Role of provisioned people who are in no group mapped to a role. */
    defaultRole: roleEnum().notNull().default("viewer"),
    /** Disable people who are in none of the groups mapped to a role (access by group). */
    deprovisionOutsideMappedGroups: boolean().notNull().default(false),
    lastRequestAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("directories_workspace_idx").on(t.workspaceId),
    check("directories_default_role_not_owner", sql`${t.defaultRole} <> 'owner'`),
  ],
);

/**
 * Bearer tokens of a directory, stored as SHA-256 (256 random bits). Rotation adds a token and gives
 * the previous ones an `expiresAt`, so the IdP can be updated without an outage.
 */
export const directoryTokens = pgTable(
  "directory_tokens",
  {
    id: uuid().primaryKey().defaultRandom(),
    directoryId: uuid()
      .notNull()
      .references(() => directories.id, { onDelete: "cascade" }),
    tokenHash: text().notNull(),
    /** First characters, shown in the console ("scim_ab12cd…"). */
    prefix: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** null: valid until rotated; else it stops working at this time (the rotation overlap). */
    expiresAt: timestamp({ withTimezone: true }),
    lastUsedAt: timestamp({ withTimezone: true }),
  },
  (t) => [uniqueIndex("directory_tokens_hash_key").on(t.tokenHash), index("directory_tokens_directory_idx").on(t.directoryId)],
);

export type ScimEmail = { value: string; type?: string; primary?: boolean; display?: string };

/** A SCIM User resource of a directory, linked to the Gatehouse account it provisions. */
export const directoryUsers = pgTable(
  "directory_users",
  {
    /** The SCIM `id`. */
    id: uuid().primaryKey().defaultRandom(),
    directoryId: uuid()
      .notNull()
      .references(() => directories.id, { onDelete: "cascade" }),
    workspaceId: uuid()
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    userName: text().notNull(),
    externalId: text(),
    /** The SCIM `active` attribute as the IdP last sent it. */
    active: boolean().notNull().default(true),
    /** The address that decides the Gatehouse account (primary, else work, else first email, else userName). */
    email: text().notNull(),
    emails: jsonb().$type<ScimEmail[]>().notNull().default([]),
    displayName: text(),
    givenName: text(),
    familyName: text(),
    /** The resource as the IdP last wrote it (core attributes and extensions; never a password). */
    resource: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    version: integer().notNull().default(1),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("directory_users_user_name_key").on(t.directoryId, sql`lower(${t.userName})`),
    uniqueIndex("directory_users_user_key").on(t.directoryId, t.userId),
    index("directory_users_workspace_user_idx").on(t.workspaceId, t.userId),
    index("directory_users_external_id_idx").on(t.directoryId, t.externalId),
    index("directory_users_email_idx").on(t.directoryId, sql`lower(${t.email})`),
  ],
);

/** A SCIM Group resource of a directory; `role` maps it to a workspace role (never owner). */
export const directoryGroups = pgTable(
  "directory_groups",
  {
    id: uuid().primaryKey().defaultRandom(),
    directoryId: uuid()
      .notNull()
      .references(() => directories.id, { onDelete: "cascade" }),
    workspaceId: uuid()
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    displayName: text().notNull(),
    externalId: text(),
    role: roleEnum(),
    resource: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    version: integer().notNull().default(1),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("directory_groups_directory_idx").on(t.directoryId, sql`lower(${t.displayName})`),
    check("directory_groups_role_not_owner", sql`${t.role} is null or ${t.role} <> 'owner'`),
  ],
);

export const directoryGroupMembers = pgTable(
  "directory_group_members",
  {
    groupId: uuid()
      .notNull()
      .references(() => directoryGroups.id, { onDelete: "cascade" }),
    directoryUserId: uuid()
      .notNull()
      .references(() => directoryUsers.id, { onDelete: "cascade" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.directoryUserId] }), index("directory_group_members_user_idx").on(t.directoryUserId)],
);

/** Every SCIM request a directory received (kept 30 days): the console's request log. */
export const scimRequests = pgTable(
  "scim_requests",
  {
    id: uuid().primaryKey().defaultRandom(),
    directoryId: uuid()
      .notNull()
      .references(() => directories.id, { onDelete: "cascade" }),
    method: text().notNull(),
    /** Path below the directory's base URL, with the query string. */
    path: text().notNull(),
    status: integer().notNull(),
    scimType: text(),
    error: text(),
    durationMs: integer().notNull(),
    /** The request body with secrets removed (password and the like), cut to a few KB. */
    requestBody: jsonb().$type<unknown>(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("scim_requests_directory_created_idx").on(t.directoryId, t.createdAt), index("scim_requests_created_idx").on(t.createdAt)],
);

export type Directory = typeof directories.$inferSelect;
export type DirectoryToken = typeof directoryTokens.$inferSelect;
export type DirectoryUser = typeof directoryUsers.$inferSelect;
export type DirectoryGroup = typeof directoryGroups.$inferSelect;
export type ScimRequest = typeof scimRequests.$inferSelect;
