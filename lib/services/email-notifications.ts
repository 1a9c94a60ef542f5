import { and, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, memberships, users, workspaces } from "@/db/schema";
import { env } from "@/lib/env";
import { EMAIL_DELIVERY_JOB, enqueueEmail, type EmailKind } from "@/lib/email/outbox";
import type { EmailContent } from "@/lib/email/render";
import { certificateExpiringEmail, invitationEmail, setupLinkCompletedEmail, ssoEnforcedEmail } from "@/lib/email/templates";
import { nudgeJob } from "./jobs";

/**
 * The emails Gatehouse sends about a workspace. Each is queued in the outbox inside the caller's
 * transaction (so it goes out exactly when the change commits) and sent by the `email.deliver` job.
 */

export async function queueEmail(db: Db, m: { kind: EmailKind; to: string; workspaceId?: string | null; content: EmailContent }) {
  const id = await enqueueEmail(db, m);
  nudgeJob(EMAIL_DELIVERY_JOB);
  return id;
}

/** Active, enabled owners of a workspace (the recipients of owner notices). */
export async function workspaceOwnerEmails(db: Db, workspaceId: string): Promise<string[]> {
  const rows = await db
    .select({ email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.workspaceId, workspaceId),
        eq(memberships.role, "owner"),
        eq(memberships.status, "active"),
        eq(memberships.disabled, false),
        eq(users.disabled, false),
      ),
    );
  return [...new Set(rows.map((r) => r.email))];
}

async function workspaceOf(db: Db, workspaceId: string) {
  const [w] = await db.select({ name: workspaces.name, slug: workspaces.slug }).from(workspaces).where(eq(workspaces.id, workspaceId));
  return w;
}

async function personLabel(db: Db, userId: string | null | undefined): Promise<string | null> {
  if (!userId) return null;
  const [u] = await db.select({ email: users.email, name: users.name }).from(users).where(eq(users.id, userId));
  if (!u) return null;
  return u.name ? `${u.name} (${u.email})` : u.email;
}

async function toOwners(db: Db, workspaceId: string, kind: EmailKind, content: EmailContent): Promise<number> {
  const owners = await workspaceOwnerEmails(db, workspaceId);
  for (const to of owners) await queueEmail(db, { kind, to, workspaceId, content });
  return owners.length;
}

/** The invitation email: link (sealed until sent), who invited, which workspace and role. */
export async function queueInvitationEmail(
  db: Db,
  i: {
    workspaceId: string;
    workspaceName: string;
    email: string;
    role: string;
    inviteUrl: string;
    invitedBy: string | null;
    expiresInDays: number;
  },
): Promise<void> {
  const content = invitationEmail({
    workspaceName: i.workspaceName,
    inviter: await personLabel(db, i.invitedBy),
    role: i.role,
    inviteUrl: i.inviteUrl,
    expiresInDays: i.expiresInDays,
  });
  await queueEmail(db, { kind: "invitation", to: i.email, workspaceId: i.workspaceId, content });
}

const MODE_LABELS: Record<string, string> = {
  sso_provisioned_users: "members provisioned by SSO must sign in with SSO",
  verified_domains: "everyone in the workspace's verified domains must sign in with SSO",
};

/** SSO enforcement was turned on (from off): every owner is told. */
export async function queueSsoEnforcedEmails(
  db: Db,
  workspaceId: string,
  change: { before: string; after: string; actorUserId?: string | null },
): Promise<number> {
  if (change.before !== "off" || change.after === "off") return 0;
  const w = await workspaceOf(db, workspaceId);
  if (!w) return 0;
  const content = ssoEnforcedEmail({
    workspaceName: w.name,
    modeLabel: MODE_LABELS[change.after] ?? change.after,
    actor: await personLabel(db, change.actorUserId),
    settingsUrl: `${env().appUrl}/w/${encodeURIComponent(w.slug)}/settings/domains`,
  });
  return toOwners(db, workspaceId, "sso_enforced", content);
}

/** A certificate of a connection expires in 30 / 7 days (called once per certificate and threshold). */
export async function queueCertificateExpiryEmails(
  db: Db,
  n: { workspaceId: string; connectionId: string; certificate: "idp" | "sp"; notAfter: Date; daysLeft: number },
): Promise<number> {
  const w = await workspaceOf(db, n.workspaceId);
  const [c] = await db
    .select({ name: connections.name, slug: connections.slug })
    .from(connections)
    .where(eq(connections.id, n.connectionId));
  if (!w || !c) return 0;
  const content = certificateExpiringEmail({
    workspaceName: w.name,
    connectionName: c.name,
    connectionSlug: c.slug,
    certificate: n.certificate,
    notAfter: n.notAfter,
    daysLeft: n.daysLeft,
    connectionUrl: `${env().appUrl}/w/${encodeURIComponent(w.slug)}/settings/sso/${n.connectionId}`,
  });
  return toOwners(db, n.workspaceId, "certificate_expiring", content);
}

/**
 * A setup link (sent to the customer's IdP admin) was completed: every owner is told. For the setup
 * links feature to call when a link's connection is saved.
 */
export async function sendSetupLinkCompletedEmail(
  db: Db,
  s: { workspaceId: string; connectionId: string; completedBy?: string | null },
): Promise<number> {
  const w = await workspaceOf(db, s.workspaceId);
  const [c] = await db
    .select({ name: connections.name })
    .from(connections)
    .where(and(eq(connections.id, s.connectionId), eq(connections.workspaceId, s.workspaceId)));
  if (!w || !c) return 0;
  const content = setupLinkCompletedEmail({
    workspaceName: w.name,
    connectionName: c.name,
    completedBy: s.completedBy ?? null,
    connectionUrl: `${env().appUrl}/w/${encodeURIComponent(w.slug)}/settings/sso/${s.connectionId}`,
  });
  return toOwners(db, s.workspaceId, "setup_link_completed", content);
}
