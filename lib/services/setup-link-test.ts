import { and, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { authnRequests, connections, setupLinkResources } from "@/db/schema";
import type { AcsOutcome } from "./saml-acs-outcomes";
import { markSetupLinkCompleted, resolveSetupLinkToken } from "./setup-links";

/**
 * Test sign-ins started from a setup link's page: they may run only on that link's own connections,
 * their result lands on the setup page (the IT admin has no console), and the first success
 * completes the link.
 */

export function setupLinkTestResultPath(eventId: string): string {
  return `/setup/test/${eventId}`;
}

/** The link's id when `token` names a live link that made this connection, else null. */
export async function setupLinkTestingConnection(db: Db, token: string, connectionId: string, now = new Date()): Promise<string | null> {
  const r = await resolveSetupLinkToken(db, token, now);
  if (!r || r.link.purpose !== "sso") return null;
  const [own] = await db
    .select({ id: setupLinkResources.resourceId })
    .from(setupLinkResources)
    .innerJoin(connections, eq(connections.id, setupLinkResources.resourceId))
    .where(
      and(
        eq(setupLinkResources.setupLinkId, r.link.id),
        eq(setupLinkResources.resourceType, "connection"),
        eq(setupLinkResources.resourceId, connectionId),
        eq(connections.workspaceId, r.workspace.id),
      ),
    );
  return own ? r.link.id : null;
}

/** After the ACS: a test answering a setup link's request goes to the setup page; a success completes the link. */
export async function finishSetupLinkTest(
  db: Db,
  input: { slug: string; relayState: string | null; ip?: string | null; now?: Date },
  outcome: AcsOutcome,
): Promise<AcsOutcome> {
  if (outcome.kind !== "redirect" || outcome.mode !== "test" || !input.relayState || input.relayState.length > 100) return outcome;
  const [req] = await db
    .select({ setupLinkId: authnRequests.setupLinkId, connectionId: authnRequests.connectionId })
    .from(authnRequests)
    .innerJoin(connections, eq(connections.id, authnRequests.connectionId))
    .where(and(eq(authnRequests.relayState, input.relayState), eq(connections.slug, input.slug)));
  if (!req?.setupLinkId) return outcome;
  if (outcome.errorCode === null) {
    await markSetupLinkCompleted(
      db,
      req.setupLinkId,
      { connectionId: req.connectionId, eventId: outcome.eventId, ip: input.ip ?? null },
      input.now ?? new Date(),
    );
  }
  return { ...outcome, location: setupLinkTestResultPath(outcome.eventId) };
}
