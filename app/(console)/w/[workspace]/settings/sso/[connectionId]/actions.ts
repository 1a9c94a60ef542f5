"use server";

import { z } from "zod";
import type { MetadataPreview, SsoEventView } from "@/components/sso/types";
import { requireWorkspaceRole } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { connectionUpdateSchema, metadataInputSchema, type ConnectionUpdateInput, type MetadataInput } from "@/lib/schemas/connections";
import { roleMappingRuleSchema, type RoleMappingRuleInput } from "@/lib/schemas/role-mappings";
import {
  deleteConnection,
  getConnectionOrThrow,
  previewIdpMetadata,
  refreshConnectionMetadata,
  updateConnection,
} from "@/lib/services/connections";
import { memberActor } from "@/lib/services/actor";
import { approveConnectionTrust } from "@/lib/services/connection-trust";
import { listRoleMappings, replaceRoleMappings, resolveRole } from "@/lib/services/role-mapping";
import { rotateSpKey } from "@/lib/services/sp-keys";
import { listSsoEvents } from "@/lib/services/sso-events";
import { runAction, type ActionResult } from "@/lib/http/action-result";
import { toEventView } from "../_lib/views";

/** Admins and owners; the services refuse trust changes (IdP, linking, roles) unless the member is an owner. */
async function admin(workspace: string) {
  const ctx = await requireWorkspaceRole(workspace, "admin");
  return { ...ctx, actor: memberActor(ctx.user.id, ctx.membership.role, ctx.ip) };
}

/** Step 3 / "Replace metadata": parse at once, save nothing. */
export async function previewMetadataAction(workspace: string, input: MetadataInput): Promise<ActionResult<{ preview: MetadataPreview }>> {
  return runAction("sso", async () => {
    await admin(workspace);
    const r = await previewIdpMetadata(metadataInputSchema.parse(input));
    return {
      preview: {
        entityId: r.entityId,
        ssoUrlRedirect: r.ssoUrlRedirect,
        ssoUrlPost: r.ssoUrlPost,
        certificates: r.certificates.map((c) => ({
          subject: c.subject,
          notBefore: c.notBefore,
          notAfter: c.notAfter,
          fingerprintSha256: c.fingerprintSha256,
          daysLeft: Math.floor((new Date(c.notAfter).getTime() - Date.now()) / 86_400_000),
        })),
      },
    };
  });
}

/** Any edit of the connection; `version` is the one the form loaded (stale → VERSION_CONFLICT). */
export async function updateConnectionAction(
  workspace: string,
  connectionId: string,
  patch: ConnectionUpdateInput,
): Promise<ActionResult<{ version: number }>> {
  return runAction("sso", async () => {
    const { db, workspace: ws, actor } = await admin(workspace);
    const row = await updateConnection(db, ws.id, connectionId, connectionUpdateSchema.parse(patch), actor);
    return { version: row.version };
  });
}

export async function refreshMetadataAction(workspace: string, connectionId: string): Promise<ActionResult<{ fetchedAt: string | null }>> {
  return runAction("sso", async () => {
    const { db, workspace: ws, actor } = await admin(workspace);
    const row = await refreshConnectionMetadata(db, ws.id, connectionId, actor);
    return { fetchedAt: row.metadataFetchedAt?.toISOString() ?? null };
  });
}

export async function rotateSpKeyAction(
  workspace: string,
  connectionId: string,
  step: "stage" | "activate" | "retire",
): Promise<ActionResult> {
  return runAction("sso", async () => {
    const { db, workspace: ws, actor } = await admin(workspace);
    await rotateSpKey(db, ws.id, connectionId, z.enum(["stage", "activate", "retire"]).parse(step), actor);
    return {};
  });
}

const ruleKey = (r: { attribute: string; value: string; role: string }) => JSON.stringify([r.attribute.trim(), r.value.trim(), r.role]);

/**
 * Replace the rules. Conflict-safe by content: `loaded` is the list the editor started from; when
 * the stored list differs (someone else saved meanwhile) → VERSION_CONFLICT instead of overwriting.
 */
export async function saveRoleMappingsAction(
  workspace: string,
  connectionId: string,
  loaded: RoleMappingRuleInput[],
  rules: RoleMappingRuleInput[],
): Promise<ActionResult<{ rules: { attribute: string; value: string; role: string }[] }>> {
  return runAction("sso", async () => {
    const { db, workspace: ws, actor } = await admin(workspace);
    const current = await listRoleMappings(db, ws.id, connectionId);
    if (current.map(ruleKey).join("\n") !== loaded.map(ruleKey).join("\n")) {
      throw new AppError("VERSION_CONFLICT", { detail: { expectedRules: loaded.length, currentRules: current.length } });
    }
    const saved = await replaceRoleMappings(db, ws.id, connectionId, rules, actor);
    return { rules: saved.map((r) => ({ attribute: r.attribute, value: r.value, role: r.role })) };
  });
}

const previewInput = z.object({
  rules: z.array(roleMappingRuleSchema).max(200),
  attribute: z.string().trim().min(1).max(512),
  values: z.array(z.string().trim().min(1).max(512)).max(200),
});

/** "Preview": which role the (unsaved) rules give a user with these group values. */
export async function previewRoleAction(
  workspace: string,
  connectionId: string,
  input: z.input<typeof previewInput>,
): Promise<ActionResult<{ role: string; matchedRule: { attribute: string; value: string; role: string } | null; defaultRole: string }>> {
  return runAction("sso", async () => {
    const { db, workspace: ws } = await admin(workspace);
    const c = await getConnectionOrThrow(db, ws.id, connectionId);
    const data = previewInput.parse(input);
    const r = resolveRole(data.rules, { [data.attribute]: data.values }, c.defaultRole);
    return {
      role: r.role,
      matchedRule: r.matchedRule ? { attribute: r.matchedRule.attribute, value: r.matchedRule.value, role: r.matchedRule.role } : null,
      defaultRole: c.defaultRole,
    };
  });
}

/** An owner approves the connection's current trust (IdP, linking, roles), so owners and admins may sign in through it. */
export async function approveTrustAction(workspace: string, connectionId: string): Promise<ActionResult<{ version: number }>> {
  return runAction("sso", async () => {
    const { db, workspace: ws, actor } = await admin(workspace);
    const row = await approveConnectionTrust(db, ws.id, connectionId, actor);
    return { version: row.version };
  });
}

/** Delete, confirmed by typing the slug. */
export async function deleteConnectionAction(workspace: string, connectionId: string, typedSlug: string): Promise<ActionResult> {
  return runAction("sso", async () => {
    const { db, workspace: ws, actor } = await admin(workspace);
    const c = await getConnectionOrThrow(db, ws.id, connectionId);
    if (typedSlug.trim() !== c.slug) {
      throw new AppError("VALIDATION_FAILED", {
        message: "Type the slug exactly to confirm.",
        detail: { fields: [{ path: "confirm", message: `Type ${c.slug} to confirm` }] },
      });
    }
    await deleteConnection(db, ws.id, connectionId, actor);
    return {};
  });
}

/** Polled by the test panel: the newest test-mode attempt since `since` (ISO), or null. */
export async function latestTestEventAction(
  workspace: string,
  connectionId: string,
  since: string,
): Promise<ActionResult<{ event: SsoEventView | null }>> {
  return runAction("sso", async () => {
    const { db, workspace: ws } = await admin(workspace);
    const sinceDate = new Date(since);
    const { items } = await listSsoEvents(db, ws.id, {
      connectionId,
      since: Number.isNaN(sinceDate.getTime()) ? undefined : sinceDate,
      limit: 50,
    });
    const e = items.find((x) => x.testMode);
    return { event: e ? toEventView(e) : null };
  });
}
