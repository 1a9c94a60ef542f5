import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { metadataSourceEnum, roleEnum, spKeyStateEnum, trustApprovalViaEnum } from "./enums";
import { applications } from "./applications";
import { users } from "./users";
import { workspaces } from "./workspaces";

export type IdpCertificate = {
  pem: string;
  subject: string;
  notBefore: string;
  notAfter: string;
  fingerprintSha256: string;
};

export const connections = pgTable(
  "connections",
  {
    id: uuid().primaryKey().defaultRandom(),
    workspaceId: uuid()
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    name: text().notNull(),
    /** Globally unique, URL-safe and immutable: it is part of every SP URL. */
    slug: text().notNull(),
    /** okta | entra | google | onelogin | jumpcloud | ping | auth0 | dev | other */
    idpType: text().notNull().default("other"),
    active: boolean().notNull().default(true),
    defaultRole: roleEnum().notNull().default("viewer"),
    idpEntityId: text(),
    idpSsoUrlRedirect: text(),
    idpSsoUrlPost: text(),
    idpSloUrl: text(),
    idpCertificates: jsonb().$type<IdpCertificate[]>().notNull().default([]),
    metadataSource: metadataSourceEnum(),
    metadataUrl: text(),
    metadataXml: text(),
    metadataFetchedAt: timestamp({ withTimezone: true }),
    metadataError: text(),
    allowIdpInitiated: boolean().notNull().default(false),
    /** IdP-initiated sign-ins land in this application (its initiate_login_uri) instead of `defaultRedirect`. */
    defaultApplicationId: uuid().references(() => applications.id, { onDelete: "set null" }),
    defaultRedirect: text().notNull().default("/"),
    jitProvisioning: boolean().notNull().default(true),
    allowAccountLinking: boolean().notNull().default(true),
    /** null: on once the workspace has a verified domain. */
    requireVerifiedDomains: boolean(),
    applyMappingEveryLogin: boolean().notNull().default(false),
    syncProfileEveryLogin: boolean().notNull().default(false),
    allowSha1: boolean().notNull().default(false),
    /** Refuse plaintext assertions; the SP encryption keys live in sp_encryption_keys. */
    requireEncryptedAssertions: boolean().notNull().default(false),
    clockSkewSeconds: integer(),
    /**
     * The last change of the connection's trust (IdP metadata, certificates, entity ID, SSO URLs,
     * account linking, verified-domain rule, SHA-1, default role, role mappings): by whom and how.
     * SSO may reach owner/admin accounts only while this names a current owner (or the operator).
     */
    trustApprovedBy: uuid().references(() => users.id, { onDelete: "set null" }),
    trustApprovedAt: timestamp({ withTimezone: true }),
    trustApprovedVia: trustApprovalViaEnum(),
    version: integer().notNull().default(1),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("connections_slug_key").on(t.slug),
    index("connections_workspace_idx").on(t.workspaceId),
    // End users see the name ("Continue with <name>"): unique per workspace, whatever the case.
    uniqueIndex("connections_workspace_name_key").on(t.workspaceId, sql`lower(${t.name})`),
  ],
);
export type Connection = typeof connections.$inferSelect;

export const spKeys = pgTable(
  "sp_keys",
  {
    id: uuid().primaryKey().defaultRandom(),
    connectionId: uuid()
      .notNull()
      .references(() => connections.id, { onDelete: "cascade" }),
    state: spKeyStateEnum().notNull(),
    /** AES-256-GCM with ENCRYPTION_KEY: "v1:<iv>:<tag>:<ciphertext>" (base64url). */
    privateKeyEncrypted: text().notNull(),
    certificatePem: text().notNull(),
    notAfter: timestamp({ withTimezone: true }).notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    activatedAt: timestamp({ withTimezone: true }),
    retiredAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex("sp_keys_one_active")
      .on(t.connectionId)
      .where(sql`state = 'active'`),
    uniqueIndex("sp_keys_one_next")
      .on(t.connectionId)
      .where(sql`state = 'next'`),
  ],
);
export type SpKey = typeof spKeys.$inferSelect;

export const authnRequests = pgTable(
  "authn_requests",
  {
    /** The AuthnRequest ID sent to the IdP (and expected back as InResponseTo). */
    id: text().primaryKey(),
    /** Opaque RelayState handle referencing this row. */
    relayState: text().notNull(),
    connectionId: uuid()
      .notNull()
      .references(() => connections.id, { onDelete: "cascade" }),
    returnTo: text(),
    testMode: boolean().notNull().default(false),
    /** SHA-256 of the browser's SSO nonce cookie (set by the login endpoint); the ticket carries it on. */
    browserNonceHash: text(),
    /** A test sign-in started through this setup link (its result lands on the setup page, and completes the link). */
    setupLinkId: uuid(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    usedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("authn_requests_relay_state_key").on(t.relayState), index("authn_requests_expires_idx").on(t.expiresAt)],
);
export type AuthnRequest = typeof authnRequests.$inferSelect;

export const consumedAssertions = pgTable(
  "consumed_assertions",
  {
    connectionId: uuid()
      .notNull()
      .references(() => connections.id, { onDelete: "cascade" }),
    assertionId: text().notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("consumed_assertions_connection_assertion_key").on(t.connectionId, t.assertionId),
    index("consumed_assertions_expires_idx").on(t.expiresAt),
  ],
);

export const linkedIdentities = pgTable(
  "linked_identities",
  {
    id: uuid().primaryKey().defaultRandom(),
    connectionId: uuid()
      .notNull()
      .references(() => connections.id, { onDelete: "cascade" }),
    nameId: text().notNull(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastLoginAt: timestamp({ withTimezone: true }),
    /** Group values of the latest assertion of this identity (the OIDC `groups` claim). */
    groups: jsonb().$type<string[]>(),
  },
  (t) => [
    uniqueIndex("linked_identities_connection_name_id_key").on(t.connectionId, t.nameId),
    index("linked_identities_user_idx").on(t.userId),
  ],
);

export const roleMappings = pgTable(
  "role_mappings",
  {
    id: uuid().primaryKey().defaultRandom(),
    connectionId: uuid()
      .notNull()
      .references(() => connections.id, { onDelete: "cascade" }),
    position: integer().notNull(),
    attribute: text().notNull(),
    value: text().notNull(),
    role: roleEnum().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("role_mappings_connection_idx").on(t.connectionId, t.position)],
);
export type RoleMapping = typeof roleMappings.$inferSelect;

export const ssoEvents = pgTable(
  "sso_events",
  {
    id: uuid().primaryKey().defaultRandom(),
    workspaceId: uuid().references(() => workspaces.id, { onDelete: "cascade" }),
    connectionId: uuid().references(() => connections.id, { onDelete: "cascade" }),
    outcome: text().$type<"success" | "failure">().notNull(),
    errorCode: text(),
    email: text(),
    flow: text().$type<"sp" | "idp">(),
    testMode: boolean().notNull().default(false),
    /**
     * The response carried a valid signature of the connection's IdP (every success; a failure found
     * after the signature verified). Health counts only these failures (and tests): anyone can POST garbage.
     */
    signatureVerified: boolean().notNull().default(false),
    userId: uuid().references(() => users.id, { onDelete: "set null" }),
    ip: text(),
    /** Expected/actual values, matched role rule; never keys or whole assertions. */
    detail: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("sso_events_connection_created_idx").on(t.connectionId, t.createdAt),
    index("sso_events_workspace_created_idx").on(t.workspaceId, t.createdAt),
    // Retention deletes by age across all workspaces.
    index("sso_events_created_idx").on(t.createdAt),
  ],
);
export type SsoEvent = typeof ssoEvents.$inferSelect;
