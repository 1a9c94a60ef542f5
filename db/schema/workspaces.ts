import { boolean, index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { enforcementModeEnum, membershipSourceEnum, membershipStatusEnum, roleEnum } from "./enums";
import { users } from "./users";

export const workspaces = pgTable(
  "workspaces",
  {
    id: uuid().primaryKey().defaultRandom(),
    slug: text().notNull(),
    name: text().notNull(),
    /** The operator's own id for this organization (their tenant id), unique when set. */
    externalId: text(),
    ssoEnforcement: enforcementModeEnum().notNull().default("off"),
    /** Owners keep password sign-in under enforcement (break-glass) unless an owner explicitly turned this off. */
    ownersBreakGlass: boolean().notNull().default(true),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("workspaces_slug_key").on(t.slug), uniqueIndex("workspaces_external_id_key").on(t.externalId)],
);
export type Workspace = typeof workspaces.$inferSelect;

export const memberships = pgTable(
  "memberships",
  {
    id: uuid().primaryKey().defaultRandom(),
    workspaceId: uuid()
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: roleEnum().notNull(),
    status: membershipStatusEnum().notNull().default("active"),
    source: membershipSourceEnum().notNull().default("password"),
    /** For source=sso: the connection that provisioned the member (no FK: connections live in their own file). */
    connectionId: uuid(),
    invitedBy: uuid().references(() => users.id, { onDelete: "set null" }),
    lastLoginAt: timestamp({ withTimezone: true }),
    breakGlass: boolean().notNull().default(false),
    disabled: boolean().notNull().default(false),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("memberships_workspace_user_key").on(t.workspaceId, t.userId), index("memberships_user_idx").on(t.userId)],
);
export type Membership = typeof memberships.$inferSelect;
