import { and, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, memberships, workspaceIpAllowlists, workspaces } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { addressInRanges, canonicalClientAddress } from "@/lib/net/cidr";
import type { IpAllowlistUpdate } from "@/lib/schemas/ip-allowlist";
import type { Actor } from "./actor";
import { recordAudit } from "./audit";

/**
 * A workspace's sign-in IP allowlist (issue 14, part 4). When ranges are set, every way into the
 * workspace is refused from an address outside them:
 * - sign-ins: SSO through one of its connections (at the ticket → session step), password sign-in
 *   of a person whose every workspace refuses the address, OIDC authorization for it;
 * - every request of an existing session in it (console pages, server actions, session-backed routes:
 *   requireWorkspaceRole) and every request with one of its workspace API keys.
 * It restricts that workspace only: a person who is also a member elsewhere keeps those workspaces.
 * Not covered: operator keys and the operator CLI (the instance's operator is who fixes a lock-out),
 * and SCIM (the IdP's directory pushes, not a sign-in; it has its own bearer token per directory).
 * Break-glass owners are exempt only when the workspace turns `exemptBreakGlassOwners` on.
 */

export type IpAllowlistState = { ranges: string[]; exemptBreakGlassOwners: boolean; updatedAt: Date | null };

const EMPTY: IpAllowlistState = { ranges: [], exemptBreakGlassOwners: false, updatedAt: null };

export async function getIpAllowlist(db: Db, workspaceId: string): Promise<IpAllowlistState> {
  const [row] = await db.select().from(workspaceIpAllowlists).where(eq(workspaceIpAllowlists.workspaceId, workspaceId));
  return row ? { ranges: row.ranges, exemptBreakGlassOwners: row.exemptBreakGlassOwners, updatedAt: row.updatedAt } : EMPTY;
}

/** Is this member an active break-glass owner of the workspace? */
async function isBreakGlassOwner(db: Db, workspaceId: string, userId: string): Promise<boolean> {
  const [m] = await db
    .select({ id: memberships.id })
    .from(memberships)
    .where(
      and(
        eq(memberships.workspaceId, workspaceId),
        eq(memberships.userId, userId),
        eq(memberships.role, "owner"),
        eq(memberships.breakGlass, true),
        eq(memberships.status, "active"),
        eq(memberships.disabled, false),
      ),
    );
  return !!m;
}

/** Would `list` let `userId` (null: not a person, e.g. an API key) in from `ip`? */
async function admits(
  db: Db,
  workspaceId: string,
  list: Pick<IpAllowlistState, "ranges" | "exemptBreakGlassOwners">,
  userId: string | null,
  ip: string | null,
): Promise<boolean> {
  if (!list.ranges.length || addressInRanges(ip, list.ranges)) return true;
  return list.exemptBreakGlassOwners && !!userId && (await isBreakGlassOwner(db, workspaceId, userId));
}

export type IpCheck = { allowed: true } | { allowed: false; address: string | null; workspace: string };

/** May `userId` (null for an API key) reach the workspace from `ip`? An unknown address is outside every range. */
export async function checkWorkspaceIp(db: Db, workspaceId: string, userId: string | null, ip: string | null): Promise<IpCheck> {
  const list = await getIpAllowlist(db, workspaceId);
  if (await admits(db, workspaceId, list, userId, ip)) return { allowed: true };
  const [ws] = await db.select({ slug: workspaces.slug }).from(workspaces).where(eq(workspaces.id, workspaceId));
  return { allowed: false, address: canonicalClientAddress(ip) ?? ip, workspace: ws?.slug ?? "" };
}

/** The first of `workspaces` (in order) that the person may reach from `ip`, or null. */
export async function firstReachableWorkspace<W extends { id: string }>(
  db: Db,
  workspaces: readonly W[],
  userId: string,
  ip: string | null,
): Promise<W | null> {
  for (const w of workspaces) if ((await checkWorkspaceIp(db, w.id, userId, ip)).allowed) return w;
  return null;
}

/** The refusal every entry point shows: the address seen and the workspace, never the ranges. */
export function ipNotAllowedError(workspace: { slug: string; name: string }, address: string | null): AppError {
  return new AppError("IP_NOT_ALLOWED", {
    message: `${workspace.name} does not allow access from ${address ?? "an unknown address"}.`,
    detail: { address: address ?? "unknown", workspace: workspace.slug },
  });
}

/** Throws IP_NOT_ALLOWED (403) when the workspace's allowlist refuses `ip` for `userId`. */
export async function assertWorkspaceIpAllowed(
  db: Db,
  workspace: { id: string; slug: string; name: string },
  userId: string | null,
  ip: string | null,
): Promise<void> {
  const check = await checkWorkspaceIp(db, workspace.id, userId, ip);
  if (!check.allowed) throw ipNotAllowedError(workspace, check.address);
}

/** An SSO sign-in through `connectionId` is a sign-in into that connection's workspace. */
export async function assertSsoSignInIpAllowed(db: Db, connectionId: string | null, userId: string, ip: string | null): Promise<void> {
  if (!connectionId) return;
  const [ws] = await db
    .select({ id: workspaces.id, slug: workspaces.slug, name: workspaces.name })
    .from(connections)
    .innerJoin(workspaces, eq(workspaces.id, connections.workspaceId))
    .where(eq(connections.id, connectionId));
  if (ws) await assertWorkspaceIpAllowed(db, ws, userId, ip);
}

/**
 * A password sign-in is into Gatehouse, not one workspace: it is refused only when every workspace the
 * person is an active member of refuses the address (each workspace still refuses its own pages
 * afterwards). A person without memberships is not concerned.
 */
export async function assertPasswordSignInIpAllowed(db: Db, userId: string, ip: string | null): Promise<void> {
  const rows = await db
    .select({
      id: workspaces.id,
      slug: workspaces.slug,
      name: workspaces.name,
      ranges: workspaceIpAllowlists.ranges,
      exemptBreakGlassOwners: workspaceIpAllowlists.exemptBreakGlassOwners,
    })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .leftJoin(workspaceIpAllowlists, eq(workspaceIpAllowlists.workspaceId, workspaces.id))
    .where(and(eq(memberships.userId, userId), eq(memberships.status, "active"), eq(memberships.disabled, false)));
  if (!rows.length) return;
  for (const r of rows) {
    if (await admits(db, r.id, { ranges: r.ranges ?? [], exemptBreakGlassOwners: r.exemptBreakGlassOwners ?? false }, userId, ip)) return;
  }
  throw ipNotAllowedError(rows[0]!, canonicalClientAddress(ip) ?? ip);
}

/**
 * Set (replace) the allowlist; owners only. When the new ranges would refuse the address the change
 * comes from (and the actor is not an exempt break-glass owner), it is refused with
 * IP_ALLOWLIST_CONFIRMATION_REQUIRED unless `confirmLockout` is the workspace's slug, typed out.
 * The operator CLI (no address) is not asked. Audited with before/after.
 */
export async function setIpAllowlist(db: Db, workspaceId: string, input: IpAllowlistUpdate, actor: Actor): Promise<IpAllowlistState> {
  if (actor.role !== "owner") throw new AppError("FORBIDDEN", { hint: "Only workspace owners can change the IP allowlist." });
  const [ws] = await db.select({ id: workspaces.id, slug: workspaces.slug }).from(workspaces).where(eq(workspaces.id, workspaceId));
  if (!ws) throw new AppError("NOT_FOUND");
  const before = await getIpAllowlist(db, workspaceId);
  let confirmedLockout = false;
  if (actor.via !== "operator") {
    const next = { ranges: input.ranges, exemptBreakGlassOwners: input.exemptBreakGlassOwners };
    if (!(await admits(db, workspaceId, next, actor.userId ?? null, actor.ip ?? null))) {
      const address = canonicalClientAddress(actor.ip) ?? "unknown";
      if (input.confirmLockout === undefined || input.confirmLockout === "") {
        throw new AppError("IP_ALLOWLIST_CONFIRMATION_REQUIRED", {
          message: `These ranges do not include the address you are using now (${address}): saving them would lock you out.`,
          detail: { address, workspace: ws.slug },
        });
      }
      if (input.confirmLockout.trim() !== ws.slug) {
        throw new AppError("VALIDATION_FAILED", {
          fields: [{ path: "confirmLockout", message: `Type the workspace's slug “${ws.slug}” exactly to confirm.` }],
          detail: { address, workspace: ws.slug },
        });
      }
      confirmedLockout = true;
    }
  }
  const now = new Date();
  const values = {
    ranges: input.ranges,
    exemptBreakGlassOwners: input.exemptBreakGlassOwners,
    updatedBy: actor.userId ?? null,
    updatedAt: now,
  };
  await db
    .insert(workspaceIpAllowlists)
    .values({ workspaceId, ...values })
    .onConflictDoUpdate({ target: workspaceIpAllowlists.workspaceId, set: values });
  await recordAudit(db, workspaceId, actor, {
    action: "workspace.ip_allowlist_changed",
    targetType: "workspace",
    targetId: workspaceId,
    before: { ranges: before.ranges, exemptBreakGlassOwners: before.exemptBreakGlassOwners },
    after: {
      ranges: input.ranges,
      exemptBreakGlassOwners: input.exemptBreakGlassOwners,
      ...(confirmedLockout ? { confirmedLockout } : {}),
    },
  });
  return { ranges: input.ranges, exemptBreakGlassOwners: input.exemptBreakGlassOwners, updatedAt: now };
}

/** Remove the allowlist (every address allowed again); owners only. Audited. */
export async function clearIpAllowlist(db: Db, workspaceId: string, actor: Actor): Promise<IpAllowlistState> {
  if (actor.role !== "owner") throw new AppError("FORBIDDEN", { hint: "Only workspace owners can change the IP allowlist." });
  const before = await getIpAllowlist(db, workspaceId);
  const deleted = await db.delete(workspaceIpAllowlists).where(eq(workspaceIpAllowlists.workspaceId, workspaceId)).returning();
  if (deleted.length) {
    await recordAudit(db, workspaceId, actor, {
      action: "workspace.ip_allowlist_cleared",
      targetType: "workspace",
      targetId: workspaceId,
      before: { ranges: before.ranges, exemptBreakGlassOwners: before.exemptBreakGlassOwners },
      after: { ranges: [], exemptBreakGlassOwners: false },
    });
  }
  return EMPTY;
}
