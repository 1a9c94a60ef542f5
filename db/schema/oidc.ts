import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { connections } from "./connections";
import { spKeyStateEnum } from "./enums";
import { users } from "./users";
import { workspaces } from "./workspaces";

/**
 * Storage of the OpenID Connect provider (oidc-provider's adapter): sessions, interactions, grants,
 * authorization codes, access and refresh tokens, replay records. One row per (model, id); the
 * indexed columns are copied out of the payload so lookups and revocation are single statements.
 * Rows past `expiresAt` are dead for the provider and deleted by the `oidc.sweep` job.
 */
export const oidcPayloads = pgTable(
  "oidc_payloads",
  {
    model: text().notNull(),
    id: text().notNull(),
    payload: jsonb().$type<Record<string, unknown>>().notNull(),
    grantId: text(),
    userCode: text(),
    uid: text(),
    accountId: text(),
    expiresAt: timestamp({ withTimezone: true }),
    consumedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.model, t.id] }),
    index("oidc_payloads_grant_idx").on(t.grantId),
    uniqueIndex("oidc_payloads_uid_key").on(t.model, t.uid),
    uniqueIndex("oidc_payloads_user_code_key").on(t.model, t.userCode),
    index("oidc_payloads_account_idx").on(t.accountId, t.model),
    index("oidc_payloads_expires_idx").on(t.expiresAt),
  ],
);

/**
 * The provider's signing keys (RS256), private half encrypted with ENCRYPTION_KEY. States as for SP
 * keys: next (staged, published in the JWKS) → active (signs, published) → retired (published while
 * `retiredAt` is null, so tokens signed before a rotation still verify; dropped by the retire step).
 */
export const oidcSigningKeys = pgTable(
  "oidc_signing_keys",
  {
    id: uuid().primaryKey().defaultRandom(),
    kid: text().notNull(),
    alg: text().notNull().default("RS256"),
    state: spKeyStateEnum().notNull(),
    /** The private JWK as JSON, sealed ("v1:<iv>:<tag>:<ciphertext>"). */
    privateJwkEncrypted: text().notNull(),
    publicJwk: jsonb().$type<Record<string, string>>().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    activatedAt: timestamp({ withTimezone: true }),
    retiredAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex("oidc_signing_keys_kid_key").on(t.kid),
    uniqueIndex("oidc_signing_keys_one_active")
      .on(t.state)
      .where(sql`state = 'active'`),
    uniqueIndex("oidc_signing_keys_one_next")
      .on(t.state)
      .where(sql`state = 'next'`),
  ],
);

/**
 * What a provider Grant was made for: the person, the organization (workspace) and how they signed
 * in. Written when Gatehouse finishes the login interaction; every token of the grant carries its
 * grantId, so claims (org_id, role, groups, …) and revocation per organization follow from this row.
 */
export const oidcGrants = pgTable(
  "oidc_grants",
  {
    grantId: text().primaryKey(),
    clientId: text().notNull(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    workspaceId: uuid()
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    /** The connection the person signed in through, when it belongs to this workspace (SSO). */
    connectionId: uuid().references(() => connections.id, { onDelete: "set null" }),
    /** "sso" | "pwd" */
    amr: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [index("oidc_grants_user_workspace_idx").on(t.userId, t.workspaceId), index("oidc_grants_expires_idx").on(t.expiresAt)],
);

/**
 * Back-channel logout outbox: one row per (application, person[, session]) to tell. The scheduler
 * claims due rows in SQL, signs a fresh logout token per attempt and retries with backoff.
 */
export const oidcLogoutDeliveries = pgTable(
  "oidc_logout_deliveries",
  {
    id: uuid().primaryKey().defaultRandom(),
    clientId: text().notNull(),
    /** The `sub` of the logout token. */
    subject: text().notNull(),
    /** The `sid` of the session at that application, when known. */
    sid: text(),
    reason: text().notNull(),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lockedUntil: timestamp({ withTimezone: true }),
    lastError: text(),
    deliveredAt: timestamp({ withTimezone: true }),
    failedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("oidc_logout_deliveries_due_idx")
      .on(t.nextAttemptAt)
      .where(sql`delivered_at is null and failed_at is null`),
    index("oidc_logout_deliveries_client_idx").on(t.clientId),
  ],
);

export type OidcSigningKey = typeof oidcSigningKeys.$inferSelect;
export type OidcGrant = typeof oidcGrants.$inferSelect;
export type OidcLogoutDelivery = typeof oidcLogoutDeliveries.$inferSelect;
