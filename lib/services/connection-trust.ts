import { and, eq, inArray, sql, type SQLWrapper } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, memberships, users } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { hasRole, type Role } from "@/lib/auth/roles";
import type { Actor } from "./actor";
import { recordAudit } from "./audit";
import type { Connection } from "@/db/schema";

/**
 * The rules of who may decide what a connection trusts, and what an SSO sign-in through it may reach.
 *
 * A connection's trust is everything that decides which accounts its IdP can sign in, and with which
 * role: the IdP itself (entity ID, SSO URLs, signing certificates, where the metadata comes from),
 * SHA-1 signatures, account linking, the verified-domain rule, the default role, re-applying the
 * mapping at every sign-in, and the role mappings. Only an owner (console, or an API key acting as
 * owner) or the operator (CLI) may change it; each change records who approved it.
 *
 * An SSO sign-in may reach an account or invitation that holds owner or admin (in any workspace), or
 * grant admin, only through a connection of that same workspace whose trust a current owner of it (or
 * the operator) approved last: `mayReachPrivilegedAccount`. OIDC and SCIM follow the same rule.
 */

/** What the audit log shows of a connection's trust (fingerprints, never keys or whole certificates). */
export function trustView(c: Connection): Record<string, unknown> {
  return {
    idpEntityId: c.idpEntityId,
    idpSsoUrlRedirect: c.idpSsoUrlRedirect,
    idpSsoUrlPost: c.idpSsoUrlPost,
    idpSloUrl: c.idpSloUrl,
    metadataSource: c.metadataSource,
    metadataUrl: c.metadataUrl,
    certificates: c.idpCertificates.map((x) => x.fingerprintSha256),
    allowSha1: c.allowSha1,
    allowAccountLinking: c.allowAccountLinking,
    requireVerifiedDomains: c.requireVerifiedDomains,
    defaultRole: c.defaultRole,
    applyMappingEveryLogin: c.applyMappingEveryLogin,
    requireEncryptedAssertions: c.requireEncryptedAssertions,
  };
}

/** The trust fields whose value differs between two versions of a connection. */
export function changedTrustFields(before: Connection, after: Connection): string[] {
  const a = trustView(before);
  const b = trustView(after);
  return Object.keys(a).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

/**
 * Only owners (and the operator, who acts as owner) may change what a connection trusts. A setup link
 * may too, on the connections it made (lib/services/setup-links.ts decides that), but its changes are
 * never an approval: see trustApprovalColumns.
 */
export function assertMayChangeTrust(actor: Actor, what = "who this connection trusts"): void {
  if (actor.role !== "owner" && actor.via !== "setup_link") {
    throw new AppError("FORBIDDEN", {
      message: "Only a workspace owner can change this.",
      hint: `Changing ${what} (the IdP metadata and certificates, account linking, the verified-domain rule, SHA-1, the default role or the role mapping) needs an owner of the workspace.`,
      detail: { requiredRole: "owner", role: actor.role },
    });
  }
}

/**
 * Column values recording that `actor` approved the connection's trust now. A setup link's change
 * clears the approval: until an owner approves, no owner/admin account is reachable through it.
 */
export function trustApprovalColumns(actor: Actor, now: Date) {
  if (actor.via === "setup_link") return { trustApprovedBy: null, trustApprovedAt: null, trustApprovedVia: null };
  return {
    trustApprovedBy: actor.via === "member" ? (actor.userId ?? null) : actor.via === "api_key" ? (actor.onBehalfOf ?? null) : null,
    trustApprovedAt: now,
    trustApprovedVia: actor.via === "member" ? ("owner" as const) : (actor.via as "api_key" | "operator"),
  };
}

/** The audit entry `connection.trust_changed`: who changed trust, and the trust fields before and after. */
export async function recordTrustChange(
  db: Db,
  workspaceId: string,
  actor: Actor,
  connectionId: string,
  change: { before: Record<string, unknown> | null; after: Record<string, unknown>; fields: string[] },
): Promise<void> {
  await recordAudit(db, workspaceId, actor, {
    action: "connection.trust_changed",
    targetType: "connection",
    targetId: connectionId,
    before: change.before,
    after: { ...change.after, changed: change.fields, approvedVia: trustApprovalColumns(actor, new Date()).trustApprovedVia },
  });
}

/**
 * The connection's trust was last approved by someone who still is an active, enabled owner of its
 * workspace, or by the operator (the CLI, or an owner-level key the operator made).
 */
export async function isTrustApprovedByCurrentOwner(
  db: Db,
  c: Pick<Connection, "workspaceId" | "trustApprovedBy" | "trustApprovedVia">,
): Promise<boolean> {
  const approved = trustApprovedOf(c, null);
  if (approved !== "needs_approver" || !c.trustApprovedBy) return approved === true;
  const [row] = await approverAsActiveOwner(db, c.trustApprovedBy, c.workspaceId).limit(1);
  return !!row;
}

/** isTrustApprovedByCurrentOwner over facts already read (`approverIsActiveOwner` null: not read yet). */
export function trustApprovedOf(
  c: Pick<Connection, "trustApprovedBy" | "trustApprovedVia">,
  approverIsActiveOwner: boolean | null,
): boolean | "needs_approver" {
  if (c.trustApprovedVia === "operator") return true;
  if (!c.trustApprovedVia) return false;
  if (!c.trustApprovedBy) return c.trustApprovedVia === "api_key"; // an operator key acting as owner
  return approverIsActiveOwner ?? "needs_approver";
}

/** The approving member's membership, when they are an active, enabled owner of the workspace (a query to run or embed). */
export function approverAsActiveOwner(db: Db, approverId: string | SQLWrapper, workspaceId: string | SQLWrapper) {
  return db
    .select({ id: memberships.id })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.workspaceId, workspaceId),
        eq(memberships.userId, approverId),
        eq(memberships.role, "owner"),
        eq(memberships.status, "active"),
        eq(memberships.disabled, false),
        eq(users.disabled, false),
      ),
    );
}

/** Workspaces where the account holds owner or admin (invited, disabled or active). */
export async function privilegedWorkspaceIds(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ workspaceId: memberships.workspaceId })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), inArray(memberships.role, ["owner", "admin"])));
  return rows.map((r) => r.workspaceId);
}

export type PrivilegedReach = { ok: true } | { ok: false; reason: "privileged_elsewhere" | "not_owner_approved" };

/**
 * May an SSO sign-in through `connection` reach this account (link it, continue a linked identity to
 * it, consume its invitation) and give it `role`? Yes when the account holds no owner/admin role
 * anywhere and `role` is not owner/admin; otherwise only when every workspace where it is privileged
 * is the connection's own, and that workspace's current owner (or the operator) approved the
 * connection's trust last. Without this, whoever controls an IdP (an admin who added it, another
 * workspace) could become an owner.
 */
export async function mayReachPrivilegedAccount(
  db: Db,
  input: { connection: Pick<Connection, "workspaceId" | "trustApprovedBy" | "trustApprovedVia">; userId: string | null; role: Role | null },
): Promise<PrivilegedReach> {
  const privileged = input.userId ? await privilegedWorkspaceIds(db, input.userId) : [];
  const reach = privilegedReachOf({ ...input, privileged, trustApprovedByCurrentOwner: null });
  if (reach !== "needs_approval") return reach;
  return (await isTrustApprovedByCurrentOwner(db, input.connection)) ? { ok: true } : { ok: false, reason: "not_owner_approved" };
}

/**
 * mayReachPrivilegedAccount over facts already read: the workspaces where the account is privileged,
 * and whether a current owner approved the connection's trust (null: not read yet, and
 * "needs_approval" is returned when it decides).
 */
export function privilegedReachOf(input: {
  connection: Pick<Connection, "workspaceId">;
  privileged: string[];
  role: Role | null;
  trustApprovedByCurrentOwner: boolean | null;
}): PrivilegedReach | "needs_approval" {
  const grantsPrivilege = input.role !== null && hasRole(input.role, "admin");
  if (!input.privileged.length && !grantsPrivilege) return { ok: true };
  if (input.privileged.some((w) => w !== input.connection.workspaceId)) return { ok: false, reason: "privileged_elsewhere" };
  if (input.trustApprovedByCurrentOwner === null) return "needs_approval";
  return input.trustApprovedByCurrentOwner ? { ok: true } : { ok: false, reason: "not_owner_approved" };
}

/**
 * An owner confirms the connection's current trust as theirs (e.g. after the owner who approved it
 * left, or for a connection made before approvals were recorded). Audited as a trust change.
 */
export async function approveConnectionTrust(
  db: Db,
  workspaceId: string,
  connectionId: string,
  actor: Actor,
  now = new Date(),
): Promise<Connection> {
  assertMayChangeTrust(actor, "who approves this connection's trust");
  if (!/^[0-9a-f-]{36}$/i.test(connectionId)) throw new AppError("NOT_FOUND");
  const [row] = await db
    .update(connections)
    .set({ ...trustApprovalColumns(actor, now), version: sql`${connections.version} + 1`, updatedAt: now })
    .where(and(eq(connections.id, connectionId), eq(connections.workspaceId, workspaceId)))
    .returning();
  if (!row) throw new AppError("NOT_FOUND");
  await recordTrustChange(db, workspaceId, actor, row.id, { before: null, after: trustView(row), fields: ["approval"] });
  return row;
}

export type TrustApprovalView = {
  /** Owners and admins may sign in through the connection (approved by a current owner or the operator). */
  approved: boolean;
  via: "owner" | "operator" | "api_key" | null;
  at: Date | null;
  /** The approving member's email, when a member (or a member's key) approved. */
  byEmail: string | null;
};

/** What the console shows about a connection's trust approval. */
export async function describeTrustApproval(db: Db, c: Connection): Promise<TrustApprovalView> {
  const [by] = c.trustApprovedBy ? await db.select({ email: users.email }).from(users).where(eq(users.id, c.trustApprovedBy)) : [];
  return {
    approved: await isTrustApprovedByCurrentOwner(db, c),
    via: c.trustApprovedVia,
    at: c.trustApprovedAt,
    byEmail: by?.email ?? null,
  };
}
