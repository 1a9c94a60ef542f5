"use server";

import type { ActionResult, DomainItem } from "@/components/domains/types";
import { AppError } from "@/lib/errors";
import { runAction } from "@/lib/http/action-result";
import { idSchema } from "@/lib/schemas/common";
import { domainCreateSchema, type DomainCreateInput } from "@/lib/schemas/domains";
import { addSetupLinkDomain, assertPurpose, listSetupLinkDomains, verifySetupLinkDomain } from "@/lib/services/setup-link-scope";
import { toDomainItem } from "@/app/(console)/w/[workspace]/settings/domains/domain-item";
import { requireCurrentSetupLink } from "./_lib/context";

/* The setup-link page's domain actions (purpose `domains`): the console's signatures, the link's scope. */

async function domainsLink() {
  const ctx = await requireCurrentSetupLink();
  assertPurpose(ctx.link, "domains");
  return ctx;
}

export async function listDomainsAction(_workspace: string): Promise<DomainItem[]> {
  const { db, link } = await domainsLink();
  return (await listSetupLinkDomains(db, link)).map(toDomainItem);
}

export async function addDomainAction(_workspace: string, input: DomainCreateInput): Promise<ActionResult<{ domain: DomainItem }>> {
  return runAction("setup-link", async () => {
    const { db, link, ip } = await domainsLink();
    return { domain: toDomainItem(await addSetupLinkDomain(db, link, domainCreateSchema.parse(input).domain, ip)) };
  });
}

export async function verifyDomainAction(_workspace: string, id: string): Promise<ActionResult<{ domain: DomainItem }>> {
  return runAction("setup-link", async () => {
    const { db, link, ip } = await domainsLink();
    return { domain: toDomainItem(await verifySetupLinkDomain(db, link, idSchema.parse(id), ip)) };
  });
}

/** Routing and removing stay with the workspace's admins. */
export async function routeDomainAction(
  _workspace: string,
  _id: string,
  _connectionId: string | null,
): Promise<ActionResult<{ domain: DomainItem }>> {
  return runAction("setup-link", async () => {
    throw new AppError("SETUP_LINK_OUT_OF_SCOPE");
  });
}

export async function removeDomainAction(_workspace: string, _id: string): Promise<ActionResult> {
  return runAction("setup-link", async () => {
    throw new AppError("SETUP_LINK_OUT_OF_SCOPE");
  });
}
