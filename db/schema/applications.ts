import { jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

/**
 * Applications: the operator's own products that sign people in through Gatehouse's OpenID Connect
 * provider (OIDC clients). They belong to the instance, not to a workspace: one application serves
 * every organization. Registered by the operator only (CLI or management API); no dynamic registration.
 */
export const applications = pgTable(
  "applications",
  {
    id: uuid().primaryKey().defaultRandom(),
    /** The OAuth client_id ("app_…"), public. */
    clientId: text().notNull(),
    name: text().notNull(),
    /** The client secret, AES-256-GCM with ENCRYPTION_KEY: the provider compares it (and client_secret_jwt needs it). */
    clientSecretEncrypted: text().notNull(),
    /** Exact-match redirect URIs. */
    redirectUris: jsonb().$type<string[]>().notNull(),
    postLogoutRedirectUris: jsonb().$type<string[]>().notNull().default([]),
    backchannelLogoutUri: text(),
    /** Third-party-initiated login (OIDC Core §4): where an IdP-initiated sign-in sends the browser to start a code flow. */
    initiateLoginUri: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    secretRotatedAt: timestamp({ withTimezone: true }),
  },
  (t) => [uniqueIndex("applications_client_id_key").on(t.clientId)],
);

export type Application = typeof applications.$inferSelect;
