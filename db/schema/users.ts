import { sql } from "drizzle-orm";
import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

export const users = pgTable(
  "users",
  {
    id: uuid().primaryKey().defaultRandom(),
    email: text().notNull(),
    name: text(),
    firstName: text(),
    lastName: text(),
    passwordHash: text(),
    /**
     * The password was set by someone who has not proven control of the email (an invitation link,
     * which an admin may open themselves). Dropped when the account is linked through the domain
     * owner's IdP, so a pre-set password cannot outlive the real owner's claim.
     */
    passwordUnverified: boolean().notNull().default(false),
    disabled: boolean().notNull().default(false),
    /** Bumped to revoke every session of the user at once. */
    sessionVersion: integer().notNull().default(1),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("users_email_lower_key").on(sql`lower(${t.email})`)],
);
export type User = typeof users.$inferSelect;

/** Single-use, short-lived ticket handing an SSO sign-in from the ACS to a same-site session. */
export const loginTickets = pgTable(
  "login_tickets",
  {
    tokenHash: text().primaryKey(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    returnTo: text().notNull(),
    /** The connection that signed the person in (carried into the session: which IdP authenticated it). */
    connectionId: uuid(),
    /** SHA-256 of the cookie the ACS response set in the browser that posted the SAML response. */
    browserBindingHash: text(),
    /** SP-initiated: SHA-256 of the login nonce cookie of the browser that started the sign-in. */
    loginNonceHash: text(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    usedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("login_tickets_expires_idx").on(t.expiresAt)],
);

/** Fixed-window counters shared by every instance (login throttling, API and discovery rate limits). */
export const rateLimits = pgTable(
  "rate_limits",
  {
    key: text().primaryKey(),
    windowStart: timestamp({ withTimezone: true }).notNull(),
    count: integer().notNull(),
  },
  (t) => [index("rate_limits_window_start_idx").on(t.windowStart)],
);
