import { randomBytes } from "node:crypto";
import type { Db } from "@/db";
import { connections, domains } from "@/db/schema";
import type { SsoIdentity } from "./sso-provisioning";
import { createWorkspace } from "./workspaces";

/** Test fixtures for the provisioning/members tests (real rows, no mocks). */
export function uniq(): string {
  return randomBytes(4).toString("hex");
}

export async function makeWorkspace(db: Db, opts: { domain?: string; password?: string } = {}) {
  const id = uniq();
  const domain = opts.domain ?? `ws-${id}.test`;
  const { workspace, owner } = await createWorkspace(db, {
    slug: `ws-${id}`,
    name: `Workspace ${id}`,
    ownerEmail: `owner@${domain}`,
    ownerPassword: opts.password,
  });
  return { workspace, owner, domain };
}

export async function makeConnection(db: Db, workspaceId: string, patch: Partial<typeof connections.$inferInsert> = {}) {
  const id = uniq();
  const [c] = await db
    .insert(connections)
    .values({
      workspaceId,
      name: `IdP ${id}`,
      slug: `idp-${id}`,
      idpType: "okta",
      idpEntityId: `https://idp-${id}.test`,
      // As if the operator had set it up: its trust is approved (pass trustApprovedVia: null for an unapproved one).
      trustApprovedVia: "operator",
      trustApprovedAt: new Date(),
      ...patch,
    })
    .returning();
  return c!;
}

/** A verified domain, set up directly (as the domains feature would leave it). */
export async function addVerifiedDomain(db: Db, workspaceId: string, domain: string) {
  await db
    .insert(domains)
    .values({ workspaceId, domain, verificationToken: uniq(), status: "verified", verifiedAt: new Date(), lastCheckedAt: new Date() });
}

export function identity(
  email: string,
  attributes: Record<string, string[]> = {},
  names: { firstName?: string; lastName?: string } = {},
): SsoIdentity {
  return { nameId: email, email, firstName: names.firstName ?? null, lastName: names.lastName ?? null, attributes };
}
