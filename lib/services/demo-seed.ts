import type { Db } from "@/db";
import { generatePassword } from "@/lib/auth/password";
import { createWorkspace, findWorkspaceBySlug } from "./workspaces";

export const DEMO_WORKSPACE = { slug: "acme", name: "Acme", ownerEmail: "owner@acme.test" } as const;

/**
 * Development only: the demo workspace "Acme" with its owner. Returns the owner's generated
 * password the one time it is created (the caller prints it once), else null.
 */
export async function seedDemoWorkspace(db: Db, opts: { appUrl: string }): Promise<{ password: string } | null> {
  void opts;
  if (await findWorkspaceBySlug(db, DEMO_WORKSPACE.slug)) return null;
  const password = generatePassword();
  try {
    await createWorkspace(db, { ...DEMO_WORKSPACE, ownerPassword: password });
  } catch (e) {
    // Another instance seeded it at the same moment.
    if (await findWorkspaceBySlug(db, DEMO_WORKSPACE.slug)) return null;
    throw e;
  }
  return { password };
}
