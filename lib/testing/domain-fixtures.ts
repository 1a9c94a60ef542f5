import { randomBytes } from "node:crypto";
import type { Db } from "@/db";
import { connections } from "@/db/schema";
import { createWorkspace } from "@/lib/services/workspaces";

/** Test helpers for the domains/discovery/enforcement tests (real rows, no mocks). */

export function uniqueSuffix(): string {
  return randomBytes(4).toString("hex");
}

export async function makeWorkspace(db: Db, opts: { ownerEmail?: string; ownerPassword?: string } = {}) {
  const id = uniqueSuffix();
  const ownerPassword = opts.ownerPassword ?? `pw-${id}-secret`;
  const { workspace, owner } = await createWorkspace(db, {
    slug: `ws-${id}`,
    name: `Workspace ${id}`,
    ownerEmail: opts.ownerEmail ?? `owner-${id}@owner-${id}.test`,
    ownerPassword,
  });
  return { workspace, owner, ownerPassword };
}

/** A configured SAML connection row (what the connections service would store). */
export async function insertConnection(db: Db, workspaceId: string, opts: { active?: boolean; name?: string; configured?: boolean } = {}) {
  const slug = `conn-${uniqueSuffix()}`;
  const configured = opts.configured ?? true;
  const [row] = await db
    .insert(connections)
    .values({
      workspaceId,
      name: opts.name ?? `IdP ${slug}`,
      slug,
      active: opts.active ?? true,
      idpEntityId: configured ? `https://idp.example/${slug}` : null,
      idpSsoUrlRedirect: configured ? `https://idp.example/${slug}/sso` : null,
    })
    .returning();
  return row!;
}
