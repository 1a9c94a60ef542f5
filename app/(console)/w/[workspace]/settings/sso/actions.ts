"use server";

import { requireWorkspaceRole } from "@/lib/auth/session";
import { connectionCreateSchema, connectionSlugSchema, type ConnectionCreateInput } from "@/lib/schemas/connections";
import { memberActor } from "@/lib/services/actor";
import { createConnection, isSlugAvailable } from "@/lib/services/connections";
import { runAction, type ActionResult } from "@/lib/http/action-result";

/** Live slug check for the new-connection form (admins only). */
export async function checkSlugAction(
  workspace: string,
  slug: string,
): Promise<ActionResult<{ available: boolean; reason: string | null }>> {
  return runAction("sso", async () => {
    const { db } = await requireWorkspaceRole(workspace, "admin");
    const parsed = connectionSlugSchema.safeParse(slug);
    if (!parsed.success) return { available: false, reason: parsed.error.issues[0]?.message ?? "Invalid slug" };
    const available = await isSlugAvailable(db, parsed.data);
    return { available, reason: available ? null : "Already taken: slugs are unique across Gatehouse. Try another." };
  });
}

/** Step 1: create the connection (this also generates its SP signing key). Owners only: it decides which IdP is trusted. */
export async function createConnectionAction(workspace: string, input: ConnectionCreateInput): Promise<ActionResult<{ id: string }>> {
  return runAction("sso", async () => {
    const { db, workspace: ws, user, membership, ip } = await requireWorkspaceRole(workspace, "admin");
    const created = await createConnection(db, ws.id, connectionCreateSchema.parse(input), memberActor(user.id, membership.role, ip));
    return { id: created.id };
  });
}
