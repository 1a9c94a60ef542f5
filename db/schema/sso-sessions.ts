import { index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { connections } from "./connections";
import { users } from "./users";

/**
 * One row per SSO sign-in (SAML single logout): the IdP's NameID (with its format and qualifiers) and
 * SessionIndex of that sign-in, tied to the Gatehouse session whose JWT carries this row's id (`sid`).
 * The ACS writes it with the hash of the browser-binding cookie; the ticket hand-off claims it (clears
 * the hash) and puts the id in the session. An ended row ends that session at its next request.
 */
export const ssoSessions = pgTable(
  "sso_sessions",
  {
    id: uuid().primaryKey().defaultRandom(),
    connectionId: uuid()
      .notNull()
      .references(() => connections.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    nameId: text().notNull(),
    nameIdFormat: text(),
    nameQualifier: text(),
    spNameQualifier: text(),
    sessionIndex: text(),
    /** SHA-256 of the ACS's browser-binding cookie until the hand-off claims the row. */
    bindingHash: text(),
    claimedAt: timestamp({ withTimezone: true }),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    endedAt: timestamp({ withTimezone: true }),
    /** sign_out | idp_logout */
    endedReason: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("sso_sessions_binding_hash_key").on(t.bindingHash),
    index("sso_sessions_connection_name_id_idx").on(t.connectionId, t.nameId),
    index("sso_sessions_expires_idx").on(t.expiresAt),
  ],
);
export type SsoSession = typeof ssoSessions.$inferSelect;

/** SP-initiated logout: the LogoutRequest sent to the IdP, consumed once by its LogoutResponse. */
export const logoutRequests = pgTable(
  "logout_requests",
  {
    /** The LogoutRequest ID (expected back as InResponseTo). */
    id: text().primaryKey(),
    connectionId: uuid()
      .notNull()
      .references(() => connections.id, { onDelete: "cascade" }),
    ssoSessionId: uuid().references(() => ssoSessions.id, { onDelete: "set null" }),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    usedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("logout_requests_expires_idx").on(t.expiresAt)],
);
export type LogoutRequestRow = typeof logoutRequests.$inferSelect;
