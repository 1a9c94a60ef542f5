"use server";

import { revalidatePath } from "next/cache";
import { requireWorkspaceRole } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { runAction, type ActionResult } from "@/lib/http/action-result";
import {
  directoryCreateSchema,
  directoryGroupRoleSchema,
  directoryTokenRotateSchema,
  directoryUpdateSchema,
  type DirectoryCreateInput,
  type DirectoryUpdateInput,
} from "@/lib/schemas/directories";
import {
  createDirectory,
  deleteDirectory,
  rotateDirectoryToken,
  scimBaseUrl,
  setDirectoryGroupRole,
  updateDirectory,
} from "@/lib/services/directories";

const path = (slug: string, id?: string) => `/w/${slug}/settings/directory-sync${id ? `/${id}` : ""}`;

/** Create a directory (owners and admins). The token comes back once, to be shown once. */
export async function createDirectoryAction(
  workspace: string,
  input: DirectoryCreateInput,
): Promise<ActionResult<{ id: string; baseUrl: string; token: string }>> {
  return runAction("directory-sync", async () => {
    const { db, workspace: ws, user, ip } = await requireWorkspaceRole(workspace, "admin");
    const { directory, token } = await createDirectory(db, ws.id, directoryCreateSchema.parse(input), { userId: user.id, ip });
    revalidatePath(path(ws.slug));
    return { id: directory.id, baseUrl: scimBaseUrl(env().appUrl, directory.id), token };
  });
}

export async function rotateDirectoryTokenAction(
  workspace: string,
  directoryId: string,
  overlapMinutes: number,
): Promise<ActionResult<{ token: string; previousValidUntil: string }>> {
  return runAction("directory-sync", async () => {
    const { db, workspace: ws, user, ip } = await requireWorkspaceRole(workspace, "admin");
    const data = directoryTokenRotateSchema.parse({ overlapMinutes });
    const r = await rotateDirectoryToken(db, ws.id, directoryId, data, { userId: user.id, ip });
    revalidatePath(path(ws.slug, directoryId));
    return { token: r.token, previousValidUntil: r.previousValidUntil.toISOString() };
  });
}

export async function updateDirectoryAction(workspace: string, directoryId: string, input: DirectoryUpdateInput): Promise<ActionResult> {
  return runAction("directory-sync", async () => {
    const { db, workspace: ws, user, ip } = await requireWorkspaceRole(workspace, "admin");
    await updateDirectory(db, ws.id, directoryId, directoryUpdateSchema.parse(input), { userId: user.id, ip });
    revalidatePath(path(ws.slug, directoryId));
    return {};
  });
}

export async function setGroupRoleAction(workspace: string, directoryId: string, groupId: string, role: string): Promise<ActionResult> {
  return runAction("directory-sync", async () => {
    const { db, workspace: ws, user, ip } = await requireWorkspaceRole(workspace, "admin");
    const data = directoryGroupRoleSchema.parse({ role: role === "" ? null : role });
    await setDirectoryGroupRole(db, ws.id, directoryId, groupId, data.role, { userId: user.id, ip });
    revalidatePath(path(ws.slug, directoryId));
    return {};
  });
}

export async function deleteDirectoryAction(workspace: string, directoryId: string): Promise<ActionResult> {
  return runAction("directory-sync", async () => {
    const { db, workspace: ws, user, ip } = await requireWorkspaceRole(workspace, "admin");
    await deleteDirectory(db, ws.id, directoryId, { userId: user.id, ip });
    revalidatePath(path(ws.slug));
    return {};
  });
}
