import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, gt, inArray, isNotNull, isNull } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, setupLinkResources, setupLinks, workspaces, type Connection, type SetupLink, type Workspace } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { setupLinkCreateSchema, setupLinkTokenSchema, type SetupLinkCreateInput, type SetupLinkPurpose } from "@/lib/schemas/setup-links";
import { setupLinkActor, type Actor } from "./actor";
import { recordAudit } from "./audit";
import { sendSetupLinkCompletedEmail } from "./email-notifications";

/**
 * Setup links: an owner gives the customer's IT admin a link that sets up one thing (SSO, domains or
 * directory sync) of one workspace, without a Gatehouse account. The token is 256 random bits, exists
 * in clear only in what create returns, and is stored as SHA-256. It travels in the URL fragment
 * (`/setup#<token>`), which browsers never send to a server nor put in a Referer; the page exchanges it
 * once for an HttpOnly cookie that holds it, and every request resolves it again, so revoking or expiry
 * ends it at once. What a link may do is decided in setup-link-scope.ts.
 */

export type SetupLinkStatus = "active" | "completed" | "expired" | "revoked";
export type SetupLinkSummary = Omit<SetupLink, "tokenHash"> & { status: SetupLinkStatus };
export type ResolvedSetupLink = { link: SetupLink; workspace: Workspace };

const hashToken = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

export function setupLinkStatus(l: Pick<SetupLink, "revokedAt" | "expiresAt" | "completedAt">, now = new Date()): SetupLinkStatus {
  if (l.revokedAt) return "revoked";
  if (l.expiresAt.getTime() <= now.getTime()) return "expired";
  return l.completedAt ? "completed" : "active";
}

function summarize(l: SetupLink, now = new Date()): SetupLinkSummary {
  const { tokenHash: _h, ...rest } = l;
  return { ...rest, status: setupLinkStatus(l, now) };
}

/** The URL the owner sends: the token only in the fragment. */
export function setupLinkUrl(appUrl: string, token: string): string {
  return `${appUrl.replace(/\/+$/, "")}/setup#${token}`;
}

/** REST / CLI shape (never the token or its hash). */
export function toSetupLinkJson(l: SetupLinkSummary) {
  return {
    id: l.id,
    name: l.name,
    purpose: l.purpose,
    status: l.status,
    created_by: l.createdBy,
    expires_at: l.expiresAt.toISOString(),
    revoked_at: l.revokedAt?.toISOString() ?? null,
    completed_at: l.completedAt?.toISOString() ?? null,
    last_used_at: l.lastUsedAt?.toISOString() ?? null,
    created_at: l.createdAt.toISOString(),
  };
}

/** Setup links are an owner's tool: they hand a part of the workspace's trust to someone outside it. */
function assertOwner(actor: Actor): void {
  if (actor.role !== "owner" || actor.via === "setup_link") {
    throw new AppError("FORBIDDEN", {
      message: "Only a workspace owner can manage setup links.",
      hint: "A setup link lets someone outside the workspace set up SSO, domains or directory sync. Ask an owner of the workspace.",
      detail: { requiredRole: "owner", role: actor.role },
    });
  }
}

const PURPOSE_LABEL: Record<SetupLinkPurpose, string> = { sso: "SSO", domains: "domains", directory: "directory sync" };

export async function createSetupLink(
  db: Db,
  workspaceId: string,
  input: SetupLinkCreateInput,
  actor: Actor,
  opts: { appUrl: string; now?: Date },
): Promise<{ link: SetupLinkSummary; token: string; url: string }> {
  assertOwner(actor);
  const data = setupLinkCreateSchema.parse(input);
  const now = opts.now ?? new Date();
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + data.expiresInDays * 86_400_000);
  const name = data.name ?? `${PURPOSE_LABEL[data.purpose]} setup ${now.toISOString().slice(0, 10)}`;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(setupLinks)
      .values({
        workspaceId,
        name,
        purpose: data.purpose,
        tokenHash: hashToken(token),
        createdBy: actor.via === "member" ? (actor.userId ?? null) : actor.via === "api_key" ? (actor.onBehalfOf ?? null) : null,
        expiresAt,
        createdAt: now,
      })
      .returning();
    await recordAudit(tx, workspaceId, actor, {
      action: "setup_link.created",
      targetType: "setup_link",
      targetId: row!.id,
      after: { name, purpose: data.purpose, expiresAt: expiresAt.toISOString() },
    });
    return { link: summarize(row!, now), token, url: setupLinkUrl(opts.appUrl, token) };
  });
}

export async function listSetupLinks(db: Db, workspaceId: string, now = new Date()): Promise<SetupLinkSummary[]> {
  const rows = await db.select().from(setupLinks).where(eq(setupLinks.workspaceId, workspaceId)).orderBy(desc(setupLinks.createdAt));
  return rows.map((r) => summarize(r, now));
}

export async function getSetupLinkOrThrow(db: Db, workspaceId: string, id: string): Promise<SetupLinkSummary> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppError("NOT_FOUND");
  const [row] = await db
    .select()
    .from(setupLinks)
    .where(and(eq(setupLinks.id, id), eq(setupLinks.workspaceId, workspaceId)));
  if (!row) throw new AppError("NOT_FOUND");
  return summarize(row);
}

/** Revoke at once: the link and every cookie it was exchanged for stop working on their next request. */
export async function revokeSetupLink(db: Db, workspaceId: string, id: string, actor: Actor, now = new Date()): Promise<SetupLinkSummary> {
  assertOwner(actor);
  const before = await getSetupLinkOrThrow(db, workspaceId, id);
  if (before.revokedAt) return before;
  const [row] = await db
    .update(setupLinks)
    .set({ revokedAt: now })
    .where(and(eq(setupLinks.id, id), eq(setupLinks.workspaceId, workspaceId), isNull(setupLinks.revokedAt)))
    .returning();
  if (!row) return getSetupLinkOrThrow(db, workspaceId, id);
  await recordAudit(db, workspaceId, actor, {
    action: "setup_link.revoked",
    targetType: "setup_link",
    targetId: id,
    before: { name: before.name, purpose: before.purpose, status: before.status },
  });
  return summarize(row, now);
}

/**
 * The live link a token names, or null (unknown, expired and revoked look the same to the caller: no
 * oracle). Looked up by hash; `touch` records the use.
 */
export async function resolveSetupLinkToken(db: Db, token: string | null | undefined, now = new Date()): Promise<ResolvedSetupLink | null> {
  if (!setupLinkTokenSchema.safeParse(token).success) return null;
  const [row] = await db
    .select({ link: setupLinks, workspace: workspaces })
    .from(setupLinks)
    .innerJoin(workspaces, eq(workspaces.id, setupLinks.workspaceId))
    .where(and(eq(setupLinks.tokenHash, hashToken(token!)), isNull(setupLinks.revokedAt), gt(setupLinks.expiresAt, now)));
  return row ?? null;
}

/** resolveSetupLinkToken, or SETUP_LINK_INVALID (for server actions and routes the link holder calls). */
export async function requireSetupLink(db: Db, token: string | null | undefined, now = new Date()): Promise<ResolvedSetupLink> {
  const r = await resolveSetupLinkToken(db, token, now);
  if (!r) throw new AppError("SETUP_LINK_INVALID");
  return r;
}

/** First open in a browser (the fragment exchanged for a cookie): audited as the link itself. */
export async function recordSetupLinkOpened(db: Db, r: ResolvedSetupLink, ip: string | null, now = new Date()): Promise<void> {
  await db.update(setupLinks).set({ lastUsedAt: now }).where(eq(setupLinks.id, r.link.id));
  await recordAudit(db, r.workspace.id, setupLinkActor(r.link.id, ip), {
    action: "setup_link.opened",
    targetType: "setup_link",
    targetId: r.link.id,
    after: { purpose: r.link.purpose },
  });
}

/**
 * The IT admin finished: a test sign-in through a connection of this link succeeded (or, later, what
 * completes the other purposes). Records the completion once and audits it; this is the one place to
 * hook a notification (email to the owners) into. Returns whether this call completed the link.
 */
export async function markSetupLinkCompleted(
  db: Db,
  setupLinkId: string,
  what: { connectionId?: string | null; eventId?: string | null; ip?: string | null },
  now = new Date(),
): Promise<boolean> {
  const [row] = await db
    .update(setupLinks)
    .set({ completedAt: now, lastUsedAt: now })
    .where(and(eq(setupLinks.id, setupLinkId), isNull(setupLinks.completedAt), isNull(setupLinks.revokedAt), gt(setupLinks.expiresAt, now)))
    .returning();
  if (!row) return false;
  await recordAudit(db, row.workspaceId, setupLinkActor(row.id, what.ip ?? null), {
    action: "setup_link.completed",
    targetType: "setup_link",
    targetId: row.id,
    after: { name: row.name, purpose: row.purpose, connectionId: what.connectionId ?? null, testEventId: what.eventId ?? null },
  });
  // The owners hear about it by email too (queued in the outbox; sent by the email.deliver job).
  if (what.connectionId)
    await sendSetupLinkCompletedEmail(db, {
      workspaceId: row.workspaceId,
      connectionId: what.connectionId,
      completedBy: `setup link “${row.name}”`,
    });
  return true;
}

export type SetupLinkCompletion = {
  link: SetupLinkSummary;
  /** The connections the link made: what the owners review, approve and activate. */
  connections: Pick<Connection, "id" | "name" | "active" | "trustApprovedVia" | "trustApprovedBy">[];
};

/** Links completed in the last `days` with what they made: the SSO page's banner for owners. */
export async function listRecentSetupLinkCompletions(
  db: Db,
  workspaceId: string,
  now = new Date(),
  days = 14,
): Promise<SetupLinkCompletion[]> {
  const since = new Date(now.getTime() - days * 86_400_000);
  const rows = await db
    .select()
    .from(setupLinks)
    .where(and(eq(setupLinks.workspaceId, workspaceId), isNotNull(setupLinks.completedAt), gt(setupLinks.completedAt, since)))
    .orderBy(desc(setupLinks.completedAt));
  if (!rows.length) return [];
  const made = await db
    .select({
      setupLinkId: setupLinkResources.setupLinkId,
      id: connections.id,
      name: connections.name,
      active: connections.active,
      trustApprovedVia: connections.trustApprovedVia,
      trustApprovedBy: connections.trustApprovedBy,
    })
    .from(setupLinkResources)
    .innerJoin(connections, and(eq(connections.id, setupLinkResources.resourceId), eq(connections.workspaceId, workspaceId)))
    .where(
      and(
        eq(setupLinkResources.resourceType, "connection"),
        inArray(
          setupLinkResources.setupLinkId,
          rows.map((r) => r.id),
        ),
      ),
    );
  return rows.map((r) => ({
    link: summarize(r, now),
    connections: made.filter((m) => m.setupLinkId === r.id).map(({ setupLinkId: _s, ...c }) => c),
  }));
}

/** The operator (CLI) revokes by id alone: the link's own workspace is looked up first. */
export async function revokeSetupLinkById(db: Db, id: string, actor: Actor, now = new Date()): Promise<SetupLinkSummary> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppError("NOT_FOUND", { message: `No setup link ${id}.` });
  const [row] = await db.select({ workspaceId: setupLinks.workspaceId }).from(setupLinks).where(eq(setupLinks.id, id));
  if (!row) throw new AppError("NOT_FOUND", { message: `No setup link ${id}.` });
  return revokeSetupLink(db, row.workspaceId, id, actor, now);
}
