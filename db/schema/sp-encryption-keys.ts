import { index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { spKeyStateEnum } from "./enums";
import { connections } from "./connections";

/**
 * Per-connection SP encryption keys (the IdP encrypts assertions to their certificates), separate from
 * the signing keys in sp_keys, with the same rotation: next (staged, published, decrypts) → active
 * (published first, decrypts) → retired (still decrypts while retiredAt is null; refused once retired).
 */
export const spEncryptionKeys = pgTable(
  "sp_encryption_keys",
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
    uniqueIndex("sp_encryption_keys_one_active")
      .on(t.connectionId)
      .where(sql`state = 'active'`),
    uniqueIndex("sp_encryption_keys_one_next")
      .on(t.connectionId)
      .where(sql`state = 'next'`),
    index("sp_encryption_keys_connection_idx").on(t.connectionId),
  ],
);
export type SpEncryptionKey = typeof spEncryptionKeys.$inferSelect;
