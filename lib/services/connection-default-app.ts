import { and, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { connections } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { recordAudit, type AuditActor } from "./audit";
import { getApplicationOrThrow } from "./applications";
import type { Connection } from "./connections";

/**
 * A connection's default application: IdP-initiated sign-ins through it (the app tile in Okta,
 * Entra, …) continue into that application's initiate_login_uri instead of the Gatehouse console.
 * `applicationRef` is a client_id or application id; null clears it.
 */
export async function setConnectionDefaultApplication(
  db: Db,
  workspaceId: string,
  connectionId: string,
  applicationRef: string | null,
  actor: AuditActor,
): Promise<Connection> {
  const [c] = /^[0-9a-f-]{36}$/i.test(connectionId)
    ? await db
        .select()
        .from(connections)
        .where(and(eq(connections.id, connectionId), eq(connections.workspaceId, workspaceId)))
    : [];
  if (!c) throw new AppError("NOT_FOUND");
  let applicationId: string | null = null;
  if (applicationRef) {
    const app = await getApplicationOrThrow(db, applicationRef);
    if (!app.initiateLoginUri) {
      throw new AppError("VALIDATION_FAILED", {
        message: "The application has no initiate login URI.",
        hint: "Register the URI where the application starts a sign-in (apps:create --initiate-login-uri), then choose it again.",
        fields: [{ path: "default_application", message: "The application has no initiate login URI" }],
      });
    }
    applicationId = app.id;
  }
  const [updated] = await db
    .update(connections)
    .set({ defaultApplicationId: applicationId, updatedAt: new Date(), version: c.version + 1 })
    .where(eq(connections.id, c.id))
    .returning();
  await recordAudit(db, workspaceId, actor, {
    action: "connection.default_application_set",
    targetType: "connection",
    targetId: c.id,
    before: { defaultApplicationId: c.defaultApplicationId },
    after: { defaultApplicationId: applicationId },
  });
  return updated!;
}
