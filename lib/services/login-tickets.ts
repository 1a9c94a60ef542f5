import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { and, eq, gt, isNull } from "drizzle-orm";
import type { Db } from "@/db";
import { loginTickets, users } from "@/db/schema";
import { AppError } from "@/lib/errors";
import type { User } from "./users";

export const LOGIN_TICKET_TTL_SECONDS = 60;

/** SHA-256 (hex) of a ticket, browser-binding cookie or login nonce: only hashes are stored. */
export const hashBrowserSecret = (value: string) => createHash("sha256").update(value).digest("hex");

function sameHash(stored: string | null, presented: string | null | undefined): boolean {
  if (!stored || !presented) return false;
  const a = Buffer.from(stored, "hex");
  const b = Buffer.from(hashBrowserSecret(presented), "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The hand-off from the ACS (a cross-site POST, where SameSite=Lax cookies are not sent) to a
 * same-site GET that sets the session: 32 random bytes, stored hashed, single use, 60 seconds. The
 * ticket is bound to the browser that posted the response (`browserBinding`, a cookie the ACS response
 * sets) and, for a sign-in started here, to the login nonce of the browser that started it.
 */
export async function issueLoginTicket(db: Db, input: LoginTicketInput): Promise<string> {
  const { ticket, values } = newLoginTicket(input);
  await db.insert(loginTickets).values(values);
  return ticket;
}

export type LoginTicketInput = {
  userId: string;
  returnTo: string;
  browserBinding: string;
  loginNonceHash: string | null;
  /** The connection whose IdP authenticated the person (the session remembers it: OIDC amr, enforcement). */
  connectionId?: string | null;
  now?: Date;
};

/** A fresh ticket and the row that stores it (hashed), for callers that write it together with other rows. */
export function newLoginTicket(input: LoginTicketInput): { ticket: string; values: typeof loginTickets.$inferInsert } {
  const now = input.now ?? new Date();
  const ticket = randomBytes(32).toString("base64url");
  return {
    ticket,
    values: {
      tokenHash: hashBrowserSecret(ticket),
      userId: input.userId,
      returnTo: input.returnTo,
      browserBindingHash: hashBrowserSecret(input.browserBinding),
      loginNonceHash: input.loginNonceHash,
      connectionId: input.connectionId ?? null,
      expiresAt: new Date(now.getTime() + LOGIN_TICKET_TTL_SECONDS * 1000),
      createdAt: now,
    },
  };
}

/** The cookies of the browser that presents the ticket. */
export type TicketBrowser = { browserBinding: string | null; loginNonce: string | null };

/**
 * Atomically consumes the ticket: unknown, used or expired → SAML_LOGIN_TICKET_INVALID. A ticket
 * presented by another browser than the one it was issued to (its binding cookie, and for a sign-in
 * started here its login nonce, do not match) → SAML_BROWSER_MISMATCH: it is used up and no session
 * starts (login CSRF and forwarded tickets).
 */
export async function redeemLoginTicket(
  db: Db,
  ticket: string,
  browser: TicketBrowser,
  now = new Date(),
): Promise<{ user: User; returnTo: string; connectionId: string | null }> {
  if (typeof ticket !== "string" || ticket.length < 20 || ticket.length > 100) throw new AppError("SAML_LOGIN_TICKET_INVALID");
  const [row] = await db
    .update(loginTickets)
    .set({ usedAt: now })
    .where(and(eq(loginTickets.tokenHash, hashBrowserSecret(ticket)), isNull(loginTickets.usedAt), gt(loginTickets.expiresAt, now)))
    .returning({
      userId: loginTickets.userId,
      returnTo: loginTickets.returnTo,
      browserBindingHash: loginTickets.browserBindingHash,
      loginNonceHash: loginTickets.loginNonceHash,
      connectionId: loginTickets.connectionId,
    });
  if (!row) throw new AppError("SAML_LOGIN_TICKET_INVALID");
  const bound = sameHash(row.browserBindingHash, browser.browserBinding);
  const started = row.loginNonceHash === null || sameHash(row.loginNonceHash, browser.loginNonce);
  if (!bound || !started) {
    throw new AppError("SAML_BROWSER_MISMATCH", {
      detail: { reason: !bound ? "the sign-in response was posted in another browser" : "the sign-in was started in another browser" },
    });
  }
  const [user] = await db.select().from(users).where(eq(users.id, row.userId));
  if (!user) throw new AppError("SAML_LOGIN_TICKET_INVALID");
  if (user.disabled) throw new AppError("SAML_USER_DISABLED");
  return { user, returnTo: row.returnTo, connectionId: row.connectionId };
}
