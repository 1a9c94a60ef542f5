import { createHash, randomBytes } from "node:crypto";
import { and, eq, gt, isNull, lt } from "drizzle-orm";
import type { Db } from "@/db";
import { loginTickets, users } from "@/db/schema";
import { AppError } from "@/lib/errors";
import type { User } from "./users";

export const LOGIN_TICKET_TTL_SECONDS = 60;

const hashTicket = (ticket: string) => createHash("sha256").update(ticket).digest("hex");

/**
 * The hand-off from the ACS (a cross-site POST, where SameSite=Lax cookies are not sent) to a
 * same-site GET that sets the session: 32 random bytes, stored hashed, single use, 60 seconds.
 */
export async function issueLoginTicket(
  db: Db,
  input: { userId: string; returnTo: string; connectionId?: string | null; now?: Date },
): Promise<string> {
  const now = input.now ?? new Date();
  const ticket = randomBytes(32).toString("base64url");
  await db.insert(loginTickets).values({
    tokenHash: hashTicket(ticket),
    userId: input.userId,
    returnTo: input.returnTo,
    connectionId: input.connectionId ?? null,
    expiresAt: new Date(now.getTime() + LOGIN_TICKET_TTL_SECONDS * 1000),
    createdAt: now,
  });
  return ticket;
}

/** Atomically consumes the ticket; unknown, used or expired → SAML_LOGIN_TICKET_INVALID. */
export async function redeemLoginTicket(
  db: Db,
  ticket: string,
  now = new Date(),
): Promise<{ user: User; returnTo: string; connectionId: string | null }> {
  if (typeof ticket !== "string" || ticket.length < 20 || ticket.length > 100) throw new AppError("SAML_LOGIN_TICKET_INVALID");
  const [row] = await db
    .update(loginTickets)
    .set({ usedAt: now })
    .where(and(eq(loginTickets.tokenHash, hashTicket(ticket)), isNull(loginTickets.usedAt), gt(loginTickets.expiresAt, now)))
    .returning({ userId: loginTickets.userId, returnTo: loginTickets.returnTo, connectionId: loginTickets.connectionId });
  if (!row) throw new AppError("SAML_LOGIN_TICKET_INVALID");
  const [user] = await db.select().from(users).where(eq(users.id, row.userId));
  if (!user) throw new AppError("SAML_LOGIN_TICKET_INVALID");
  if (user.disabled) throw new AppError("SAML_USER_DISABLED");
  // Housekeeping: drop tickets that expired long ago.
  await db.delete(loginTickets).where(lt(loginTickets.expiresAt, new Date(now.getTime() - 3600_000)));
  return { user, returnTo: row.returnTo, connectionId: row.connectionId };
}
