import { boolean, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./users";
import { workspaces } from "./workspaces";

/**
 * A workspace's sign-in IP allowlist (issue 14, part 4). No row, or an empty `ranges`, means no
 * restriction. `ranges` hold normalised CIDR texts (lib/net/cidr.ts), IPv4 and IPv6.
 */
export const workspaceIpAllowlists = pgTable("workspace_ip_allowlists", {
  workspaceId: uuid()
    .primaryKey()
    .references(() => workspaces.id, { onDelete: "cascade" }),
  ranges: text().array().notNull().default([]),
  /** Owners marked break-glass may sign in and work from anywhere (off unless an owner turns it on). */
  exemptBreakGlassOwners: boolean().notNull().default(false),
  updatedBy: uuid().references(() => users.id, { onDelete: "set null" }),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
export type WorkspaceIpAllowlist = typeof workspaceIpAllowlists.$inferSelect;
