"use server";

import type { MetadataPreview, SsoEventView } from "@/components/sso/types";
import { runAction, type ActionResult } from "@/lib/http/action-result";
import {
  connectionSlugSchema,
  metadataInputSchema,
  type ConnectionCreateInput,
  type ConnectionUpdateInput,
  type MetadataInput,
} from "@/lib/schemas/connections";
import { ssoEventListSchema } from "@/lib/schemas/sso-events";
import { isSlugAvailable, previewIdpMetadata } from "@/lib/services/connections";
import {
  assertPurpose,
  createSetupLinkConnection,
  getSetupLinkConnectionOrThrow,
  updateSetupLinkConnection,
} from "@/lib/services/setup-link-scope";
import { listSsoEvents } from "@/lib/services/sso-events";
import { toEventView } from "@/app/(console)/w/[workspace]/settings/sso/_lib/views";
import { requireCurrentSetupLink } from "./_lib/context";

/*
 * The setup-link page's server actions: the same signatures as the console's wizard actions (the
 * `workspace` argument is ignored: the link's cookie names the one workspace), each resolving the link
 * again and calling the link-scoped services.
 */

async function ssoLink() {
  const ctx = await requireCurrentSetupLink();
  assertPurpose(ctx.link, "sso");
  return ctx;
}

export async function checkSlugAction(
  _workspace: string,
  slug: string,
): Promise<ActionResult<{ available: boolean; reason: string | null }>> {
  return runAction("setup-link", async () => {
    const { db } = await ssoLink();
    const parsed = connectionSlugSchema.safeParse(slug);
    if (!parsed.success) return { available: false, reason: parsed.error.issues[0]?.message ?? "Invalid slug" };
    const available = await isSlugAvailable(db, parsed.data);
    return { available, reason: available ? null : "Already taken: slugs are unique across Gatehouse. Try another." };
  });
}

export async function createConnectionAction(_workspace: string, input: ConnectionCreateInput): Promise<ActionResult<{ id: string }>> {
  return runAction("setup-link", async () => {
    const { db, link, ip } = await ssoLink();
    const c = await createSetupLinkConnection(db, link, input, ip);
    return { id: c.id };
  });
}

export async function previewMetadataAction(_workspace: string, input: MetadataInput): Promise<ActionResult<{ preview: MetadataPreview }>> {
  return runAction("setup-link", async () => {
    await ssoLink();
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

export async function updateConnectionAction(
  _workspace: string,
  connectionId: string,
  patch: ConnectionUpdateInput,
): Promise<ActionResult<{ version: number }>> {
  return runAction("setup-link", async () => {
    const { db, link, ip } = await ssoLink();
    const row = await updateSetupLinkConnection(db, link, connectionId, patch, ip);
    return { version: row.version };
  });
}

export async function latestTestEventAction(
  _workspace: string,
  connectionId: string,
  since: string,
): Promise<ActionResult<{ event: SsoEventView | null }>> {
  return runAction("setup-link", async () => {
    const { db, link } = await ssoLink();
    const c = await getSetupLinkConnectionOrThrow(db, link, connectionId);
    const { items } = await listSsoEvents(db, link.workspace.id, ssoEventListSchema.parse({ connectionId: c.id, since, limit: 50 }));
    const e = items.find((x) => x.testMode);
    return { event: e ? toEventView(e) : null };
  });
}
