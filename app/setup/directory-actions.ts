"use server";

import { env } from "@/lib/env";
import { runAction, type ActionResult } from "@/lib/http/action-result";
import type { DirectoryCreateInput } from "@/lib/schemas/directories";
import { scimBaseUrl } from "@/lib/services/directories";
import { createSetupLinkDirectory } from "@/lib/services/setup-link-scope";
import { requireCurrentSetupLink } from "./_lib/context";

/** Purpose `directory`: create a SCIM directory (role at most the workspace default); its token is shown once. */
export async function createDirectoryAction(
  _workspace: string,
  input: DirectoryCreateInput,
): Promise<ActionResult<{ id: string; baseUrl: string; token: string }>> {
  return runAction("setup-link", async () => {
    const { db, link, ip } = await requireCurrentSetupLink();
    const { directory, token } = await createSetupLinkDirectory(db, link, input, ip);
    return { id: directory.id, baseUrl: scimBaseUrl(env().appUrl, directory.id), token };
  });
}
