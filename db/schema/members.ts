import { index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { roleEnum } from "./enums";
import { users } from "./users";
import { workspaces } from "./workspaces";

export const invitations = pgTable(
  "invitations",
  {
    id: uuid().primaryKey().defaultRandom(),
    workspaceId: uuid()
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    email: text().notNull(),
    role: roleEnum().notNull(),
    tokenHash: text().notNull(),
    invitedBy: uuid().references(() => users.id, { onDelete: "set null" }),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    acceptedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("invitations_workspace_email_idx").on(t.workspaceId, t.email)],
);
export type Invitation = typeof invitations.$inferSelect;

/**
 * Outgoing email, delivered by the `email.deliver` job (lib/email/deliver.ts): each row is claimed by
 * one instance at a time (lease), retried with backoff and marked failed after a few attempts.
 * `body`/`html` never hold a secret: links with a token are `{{name}}` placeholders whose values are
 * sealed in `secretsEncrypted` (AES-256-GCM with ENCRYPTION_KEY, a JSON object), filled in at send time.
 * Status: pending → sent | failed; `captured` when no SMTP server is configured outside production (read
 * at /dev/mail); `dropped` for a password reset request that matched no account (never sent).
 */
export const outbox = pgTable(
  "outbox",
  {
    id: uuid().primaryKey().defaultRandom(),
    /** invitation, password_reset_request, password_reset, password_reset_sso, sso_enforced, certificate_expiring, setup_link_completed */
    kind: text().notNull().default("generic"),
    workspaceId: uuid().references(() => workspaces.id, { onDelete: "cascade" }),
    to: text().notNull(),
    subject: text().notNull(),
    body: text().notNull(),
    html: text(),
    secretsEncrypted: text(),
    status: text().notNull().default("pending"),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    leaseToken: uuid(),
    leaseUntil: timestamp({ withTimezone: true }),
    lastError: text(),
    messageId: text(),
    sentAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("outbox_due_idx").on(t.status, t.nextAttemptAt)],
);
export type OutboxMessage = typeof outbox.$inferSelect;

/** Password reset links: only the SHA-256 of the token is kept; single use, 30 minutes. */
export const passwordResetTokens = pgTable(
  "password_reset_tokens",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text().notNull().unique(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    usedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("password_reset_tokens_user_idx").on(t.userId)],
);

export const auditLog = pgTable(
  "audit_log",
  {
    id: uuid().primaryKey().defaultRandom(),
    workspaceId: uuid()
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    actorUserId: uuid().references(() => users.id, { onDelete: "set null" }),
    actorApiKeyId: uuid(),
    /** A setup link acting (no FK: setup links live in their own file); shown as "setup link <name>". */
    actorSetupLinkId: uuid(),
    /** e.g. member.role_changed, connection.created, domain.verified */
    action: text().notNull(),
    targetType: text().notNull(),
    targetId: text(),
    /** The target's name when the entry was written (email, domain, connection name): shown once the target is gone. */
    targetName: text(),
    before: jsonb().$type<Record<string, unknown> | null>(),
    after: jsonb().$type<Record<string, unknown> | null>(),
    ip: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("audit_log_workspace_created_idx").on(t.workspaceId, t.createdAt)],
);
