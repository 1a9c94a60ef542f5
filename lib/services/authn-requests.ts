import { randomBytes } from "node:crypto";
import { and, eq, gt, isNull } from "drizzle-orm";
import type { Db } from "@/db";
import { authnRequests, type AuthnRequest } from "@/db/schema";

export const AUTHN_REQUEST_TTL_SECONDS = 10 * 60;

/** A stored AuthnRequest (the row type lives beside its table). */
export type AuthnRequestRow = AuthnRequest;

/**
 * Store an SP-initiated request: the ID the IdP echoes as InResponseTo, an opaque RelayState handle,
 * and the hash of the starting browser's login nonce (the login ticket must be redeemed there).
 */
export async function storeAuthnRequest(
  db: Db,
  input: {
    connectionId: string;
    returnTo: string | null;
    testMode: boolean;
    browserNonceHash: string;
    now: Date;
    setupLinkId?: string | null;
  },
): Promise<AuthnRequestRow> {
  const [row] = await db
    .insert(authnRequests)
    .values({
      id: `_${randomBytes(20).toString("hex")}`,
      relayState: randomBytes(24).toString("base64url"),
      connectionId: input.connectionId,
      returnTo: input.returnTo,
      testMode: input.testMode,
      browserNonceHash: input.browserNonceHash,
      setupLinkId: input.setupLinkId ?? null,
      expiresAt: new Date(input.now.getTime() + AUTHN_REQUEST_TTL_SECONDS * 1000),
      createdAt: input.now,
    })
    .returning();
  return row!;
}

/**
 * Consume the request a response answers: it must exist, belong to this connection, be unused and
 * unexpired. Atomic (one UPDATE): of concurrent responses to one request exactly one wins.
 */
export async function consumeAuthnRequest(
  db: Db,
  input: { id: string; connectionId: string; now: Date },
): Promise<AuthnRequestRow | undefined> {
  const [row] = await db
    .update(authnRequests)
    .set({ usedAt: input.now })
    .where(
      and(
        eq(authnRequests.id, input.id),
        eq(authnRequests.connectionId, input.connectionId),
        isNull(authnRequests.usedAt),
        gt(authnRequests.expiresAt, input.now),
      ),
    )
    .returning();
  return row;
}

/** Why consumeAuthnRequest refused (for the event detail; another connection's request reads as unknown). */
export async function explainAuthnRequest(
  db: Db,
  input: { id: string; connectionId: string; now: Date },
): Promise<"unknown" | "used" | "expired"> {
  const [row] = await db
    .select({ usedAt: authnRequests.usedAt, expiresAt: authnRequests.expiresAt })
    .from(authnRequests)
    .where(and(eq(authnRequests.id, input.id), eq(authnRequests.connectionId, input.connectionId)));
  if (!row) return "unknown";
  if (row.usedAt) return "used";
  return row.expiresAt <= input.now ? "expired" : "unknown";
}

/** The request a RelayState handle points to (not consumed; used to route test-mode failures). */
export async function findAuthnRequestByRelayState(
  db: Db,
  connectionId: string,
  relayState: string | null,
): Promise<AuthnRequestRow | undefined> {
  if (!relayState || relayState.length > 100) return undefined;
  const [row] = await db
    .select()
    .from(authnRequests)
    .where(and(eq(authnRequests.relayState, relayState), eq(authnRequests.connectionId, connectionId)));
  return row;
}
