import { notFound } from "next/navigation";
import type { SpValuesProps } from "@/components/sso/types";
import { hasRole } from "@/lib/auth/roles";
import { requireWorkspaceRole } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { getConnectionOrThrow } from "@/lib/services/connections";
import { spValues } from "@/lib/services/sp-values";

/** A connection page's data: the member (admin or not) and the connection of this workspace, else 404. */
export async function loadConnection(workspaceSlug: string, connectionId: string) {
  const ctx = await requireWorkspaceRole(workspaceSlug, "viewer");
  const isAdmin = hasRole(ctx.membership.role, "admin");
  /** Only owners change what a connection trusts (IdP, linking, roles). */
  const isOwner = ctx.membership.role === "owner";
  try {
    const connection = await getConnectionOrThrow(ctx.db, ctx.workspace.id, connectionId);
    const base = `/w/${workspaceSlug}/settings/sso/${connection.id}`;
    const sp: SpValuesProps = { ...spValues(env().appUrl, connection.slug), certificateUrl: `${base}/certificate` };
    return { ...ctx, isAdmin, isOwner, connection, sp, base };
  } catch (e) {
    if (isAppError(e) && e.code === "NOT_FOUND") notFound();
    throw e;
  }
}
