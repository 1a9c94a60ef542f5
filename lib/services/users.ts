import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { users, type User } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { endAccess } from "./access-revocation";
import { hashPassword } from "@/lib/auth/password";

export type { User };

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  const [row] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${normalizeEmail(email)}`);
  return row;
}

export async function findUserById(db: Db, id: string): Promise<User | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row;
}

/**
 * Send the INSERT of a new account now, with its id made here, without waiting for the answer (so the
 * statements that name the account can go out behind it): `created` is the new row, or null when an
 * account with that email (case-insensitive) exists.
 */
export function sendNewUser(
  db: Db,
  input: { email: string; name?: string | null; firstName?: string | null; lastName?: string | null; passwordHash?: string | null },
): { id: string; created: Promise<User | null> } {
  const id = randomUUID();
  const created = db
    .insert(users)
    .values({
      id,
      email: normalizeEmail(input.email),
      name: input.name ?? null,
      firstName: input.firstName ?? null,
      lastName: input.lastName ?? null,
      passwordHash: input.passwordHash ?? null,
    })
    .onConflictDoNothing()
    .returning()
    .execute()
    .then(([row]) => row ?? null);
  return { id, created };
}

/** Create the user, or return the existing one with that email (case-insensitive, race-safe). */
export async function findOrCreateUser(
  db: Db,
  input: { email: string; name?: string | null; firstName?: string | null; lastName?: string | null; passwordHash?: string | null },
): Promise<{ user: User; created: boolean }> {
  const created = await sendNewUser(db, input).created;
  if (created) return { user: created, created: true };
  const existing = await findUserByEmail(db, input.email);
  if (!existing) throw new AppError("INTERNAL", { message: "user vanished during creation" });
  return { user: existing, created: false };
}

export async function setUserPassword(db: Db, email: string, password: string): Promise<User> {
  const user = await findUserByEmail(db, email);
  if (!user) throw new AppError("NOT_FOUND", { message: `No user with email ${normalizeEmail(email)}.` });
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ passwordHash, passwordUnverified: false /* set by the operator */, updatedAt: new Date() })
      .where(eq(users.id, user.id));
    // A new password ends every existing session (and the apps' tokens).
    await endAccess(tx, { userId: user.id, workspaceId: null, reason: "sessions_revoked" });
    const [updated] = await tx.select().from(users).where(eq(users.id, user.id));
    return updated!;
  });
}

/** Revoke every live session of the user (checked on each request). */
export async function revokeUserSessions(db: Db, userId: string): Promise<void> {
  await endAccess(db, { userId, workspaceId: null, reason: "sessions_revoked" });
}

export async function setUserDisabled(db: Db, userId: string, disabled: boolean): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.update(users).set({ disabled, updatedAt: new Date() }).where(eq(users.id, userId));
    if (disabled) await endAccess(tx, { userId, workspaceId: null, reason: "user_disabled" });
  });
}
