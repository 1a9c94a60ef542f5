"use server";

import type { MetadataPreview, SsoEventView } from "@/components/sso/types";
import { requireWorkspaceRole } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import {
  connectionUpdateSchema,
  metadataInputSchema,
  spKeyActionSchema,
  type ConnectionUpdateInput,
  type MetadataInput,
  type SpKeyAction,
} from "@/lib/schemas/connections";
import {
  roleMappingPreviewSchema,
  roleMappingsSaveSchema,
  type RoleMappingPreviewInput,
  type RoleMappingsSaveInput,
} from "@/lib/schemas/role-mappings";
import { ssoEventListSchema } from "@/lib/schemas/sso-events";
import {
  deleteConnection,
  getConnectionOrThrow,
  previewIdpMetadata,
  refreshConnectionMetadata,
  updateConnection,
} from "@/lib/services/connections";
import { memberActor } from "@/lib/services/actor";
import { approveConnectionTrust } from "@/lib/services/connection-trust";
import { replaceRoleMappings, resolveRole } from "@/lib/services/role-mapping";
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

export async function rotateSpKeyAction(workspace: string, connectionId: string, action: SpKeyAction): Promise<ActionResult> {
  return runAction("sso", async () => {
    const { db, workspace: ws, actor } = await admin(workspace);
    await rotateSpKey(db, ws.id, connectionId, spKeyActionSchema.parse({ action }).action, actor);
    return {};
  });
}

/**
 * Replace the rules, against the connection `version` the editor loaded: the service bumps the
 * version in the same transaction, so a save made after someone else's (rules or settings) is
 * refused with VERSION_CONFLICT instead of overwriting it.
 */
export async function saveRoleMappingsAction(
  workspace: string,
  connectionId: string,
  input: RoleMappingsSaveInput,
): Promise<ActionResult<{ rules: { attribute: string; value: string; role: string }[]; version: number }>> {
  return runAction("sso", async () => {
    const { db, workspace: ws, actor } = await admin(workspace);
    const { rules, version } = roleMappingsSaveSchema.parse(input);
    const saved = await replaceRoleMappings(db, ws.id, connectionId, rules, actor, { expectedVersion: version });
    return { rules: saved.rules.map((r) => ({ attribute: r.attribute, value: r.value, role: r.role })), version: saved.version };
  });
}

/** "Preview": which role the (unsaved) rules give a user with these group values. */
export async function previewRoleAction(
  workspace: string,
  connectionId: string,
  input: RoleMappingPreviewInput,
): Promise<ActionResult<{ role: string; matchedRule: { attribute: string; value: string; role: string } | null; defaultRole: string }>> {
  return runAction("sso", async () => {
    const { db, workspace: ws } = await admin(workspace);
    const c = await getConnectionOrThrow(db, ws.id, connectionId);
    const data = roleMappingPreviewSchema.parse(input);
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
        fields: [{ path: "confirm", message: `Type ${c.slug} to confirm` }],
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
    const { items } = await listSsoEvents(db, ws.id, ssoEventListSchema.parse({ connectionId, since, limit: 50 }));
    const e = items.find((x) => x.testMode);
    return { event: e ? toEventView(e) : null };
  });
}
