"use server";

import { revalidatePath } from "next/cache";
import type { IpAllowlistView } from "@/components/security/types";
import { requireWorkspaceRole } from "@/lib/auth/session";
import { runAction, type ActionResult } from "@/lib/http/action-result";
import { ipAllowlistUpdateSchema, type IpAllowlistUpdateInput } from "@/lib/schemas/ip-allowlist";
import { memberActor } from "@/lib/services/actor";
import { clearIpAllowlist, setIpAllowlist, type IpAllowlistState } from "@/lib/services/ip-allowlist";

/** Owners only (the service checks the role again). The self-lock-out confirmation is decided by the service. */
async function owner(workspace: string) {
  const ctx = await requireWorkspaceRole(workspace, "owner");
  return {
    ...ctx,
    actor: memberActor(ctx.user.id, ctx.membership.role, ctx.ip),
    done: () => revalidatePath(`/w/${ctx.workspace.slug}/settings/security`),
  };
}

const view = (s: IpAllowlistState): IpAllowlistView => ({
  ranges: s.ranges,
  exemptBreakGlassOwners: s.exemptBreakGlassOwners,
  updatedAt: s.updatedAt?.toISOString() ?? null,
});

export async function setIpAllowlistAction(workspace: string, input: IpAllowlistUpdateInput): Promise<ActionResult<IpAllowlistView>> {
  return runAction("security", async () => {
    const { db, workspace: ws, actor, done } = await owner(workspace);
    const r = await setIpAllowlist(db, ws.id, ipAllowlistUpdateSchema.parse(input), actor);
    done();
    return view(r);
  });
}

export async function clearIpAllowlistAction(workspace: string): Promise<ActionResult<IpAllowlistView>> {
  return runAction("security", async () => {
    const { db, workspace: ws, actor, done } = await owner(workspace);
    const r = await clearIpAllowlist(db, ws.id, actor);
    done();
    return view(r);
  });
}
