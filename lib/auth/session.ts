import { cookies, headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { decode } from "next-auth/jwt";
import type { Db } from "@/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { getReadyDb } from "@/server/bootstrap";
import { clientIp } from "@/lib/http/client-ip";
import { getWorkspaceAccess, listDisabledWorkspacesForUser, type WorkspaceAccess } from "@/lib/services/workspaces";
import { checkWorkspaceIp } from "@/lib/services/ip-allowlist";
import { ipRefusedPath } from "@/lib/http/ip-refused-page";
import type { Role } from "./roles";
import { resolveSessionUser, type SessionUser } from "./session-token";
import { sessionCookieName } from "./session-cookie";

export type { SessionUser };

/**
 * The signed-in user, or null. The JWT is only a pointer: the user must still exist, be enabled
 * and carry the same session version, checked against the database on every request.
 */
export async function getSessionUser(): Promise<SessionUser | null> {
  const raw = (await cookies()).get(sessionCookieName())?.value;
  if (!raw) return null;
  let token: Awaited<ReturnType<typeof decode>>;
  try {
    token = await decode({ token: raw, secret: env().authSecret });
  } catch {
    return null;
  }
  return resolveSessionUser(await getReadyDb(), token);
}

export async function requireUser(nextPath?: string): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) redirect(nextPath ? `/login?next=${encodeURIComponent(nextPath)}` : "/login");
  return user;
}

export type WorkspaceContext = WorkspaceAccess & { user: SessionUser; db: Db; ip: string | null };

/**
 * Pages and server actions: the signed-in member of `slug` with at least `minRole`.
 * Not signed in → /login; not a member → 404 (never the workspace's data); role too low → FORBIDDEN.
 */
export async function requireWorkspaceRole(slug: string, minRole: Role): Promise<WorkspaceContext> {
  const user = await requireUser(`/w/${slug}`);
  const db = await getReadyDb();
  try {
    const access = await getWorkspaceAccess(db, user.id, slug, minRole);
    const ip = clientIp(await headers());
    // The workspace's IP allowlist covers every request of a session in it (pages, actions, routes).
    if (!(await checkWorkspaceIp(db, access.workspace.id, user.id, ip)).allowed) redirect(ipRefusedPath(access.workspace.slug));
    return { ...access, user, db, ip };
  } catch (e) {
    if (e instanceof AppError && e.code === "NOT_FOUND") {
      // Their own disabled membership: say so (with sign-out) rather than 404.
      if ((await listDisabledWorkspacesForUser(db, user.id, slug)).length)
        redirect(`/access-disabled?workspace=${encodeURIComponent(slug)}`);
      notFound();
    }
    throw e;
  }
}
