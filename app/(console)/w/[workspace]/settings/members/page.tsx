import { ScrollArea } from "@/components/ui/scroll-area";
import type { Metadata } from "next";
import { Badge } from "@/components/ui/badge";
import { Card, CardHeader, EmptyState, PageHeader } from "@/components/ui/card";
import { InvitationActions } from "@/components/members/invitation-actions";
import { InviteMemberForm } from "@/components/members/invite-member-form";
import { MemberActions } from "@/components/members/member-actions";
import type { MemberView } from "@/components/members/types";
import { requireWorkspaceRole } from "@/lib/auth/session";
import { hasRole, ROLES, type Role } from "@/lib/auth/roles";
import { invitationStatus, listInvitations } from "@/lib/services/invitations";
import { listMembers, type MemberRow } from "@/lib/services/members";

export const metadata: Metadata = { title: "Members" };

function formatTime(d: Date | null): string {
  return d ? d.toISOString().slice(0, 16).replace("T", " ") : "Never";
}

function sourceLabel(m: MemberRow): string {
  if (m.source === "sso") return m.connectionName ? `SSO · ${m.connectionName}` : "SSO";
  return m.source === "scim" ? "SCIM" : "Password";
}

export default async function MembersPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace: slug } = await params;
  const { db, workspace, membership, user } = await requireWorkspaceRole(slug, "viewer");
  const canManage = hasRole(membership.role, "admin");
  const grantable: Role[] = membership.role === "owner" ? [...ROLES] : canManage ? ["editor", "viewer"] : [];
  const [members, invitations] = await Promise.all([
    listMembers(db, workspace.id),
    canManage ? listInvitations(db, workspace.id) : Promise.resolve([]),
  ]);
  const now = new Date();

  const views: MemberView[] = members.map((m) => ({
    id: m.id,
    email: m.email,
    name: m.name,
    role: m.role,
    status: m.status,
    disabled: m.disabled,
    source: m.status === "invited" && !m.lastLoginAt ? "Invitation" : sourceLabel(m),
    lastSignIn: m.lastLoginAt ? formatTime(m.lastLoginAt) : null,
    breakGlass: m.breakGlass,
    isSelf: m.userId === user.id,
  }));
  // Your own row has no actions (no accidental self-lockout); another owner or admin changes it.
  const manageable = (m: MemberView) =>
    canManage && !m.isSelf && (membership.role === "owner" || (m.role !== "owner" && m.role !== "admin"));

  return (
    <>
      <PageHeader title="Members" description={`People with access to ${workspace.name}, their roles and how they sign in.`} />
      <div className="space-y-6">
        {canManage && (
          <Card>
            <CardHeader
              title="Invite a member"
              description={
                membership.role === "owner"
                  ? "Invite by email with a role. People who sign in with SSO using the same email keep the invited role."
                  : "Admins can invite editors and viewers; only owners can grant admin or owner."
              }
            />
            <InviteMemberForm workspace={workspace.slug} roles={grantable} />
          </Card>
        )}

        {canManage && invitations.length > 0 && (
          <Card>
            <CardHeader
              title="Open invitations"
              description="Links not yet used. A new link replaces the old one and restarts the 7-day expiry."
            />
            <table className="min-w-full divide-y divide-slate-200 text-sm">
              <thead>
                <tr className="text-left text-xs font-medium uppercase tracking-wide text-slate-500">
                  <th scope="col" className="px-5 py-3">
                    Email
                  </th>
                  <th scope="col" className="px-5 py-3">
                    Role
                  </th>
                  <th scope="col" className="px-5 py-3">
                    Expires (UTC)
                  </th>
                  <th scope="col" className="px-5 py-3">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {invitations.map((i) => {
                  const status = invitationStatus(i, now);
                  return (
                    <tr key={i.id}>
                      <td className="px-5 py-3 font-medium text-slate-900">{i.email}</td>
                      <td className="px-5 py-3 capitalize">{i.role}</td>
                      <td className="px-5 py-3 text-slate-500">
                        {status === "expired" ? <Badge tone="red">expired</Badge> : formatTime(i.expiresAt)}
                      </td>
                      <td className="px-5 py-3">
                        {(membership.role === "owner" || (i.role !== "owner" && i.role !== "admin")) && (
                          <InvitationActions
                            workspace={workspace.slug}
                            invitation={{ id: i.id, email: i.email, role: i.role, status, expiresAt: i.expiresAt.toISOString() }}
                          />
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </Card>
        )}

        <Card>
          <CardHeader title="Who has access" description={`${members.length} ${members.length === 1 ? "person" : "people"}`} />
          {views.length === 0 ? (
            <EmptyState
              title="No members yet"
              description="Invite someone above, or connect your IdP in Settings → SSO to provision people when they first sign in."
            />
          ) : (
            <ScrollArea label="Members">
              <table className="min-w-full divide-y divide-slate-200 text-sm">
                <thead>
                  <tr className="text-left text-xs font-medium uppercase tracking-wide text-slate-500">
                    <th scope="col" className="px-5 py-3">
                      Member · source
                    </th>
                    <th scope="col" className="px-4 py-3">
                      Role
                    </th>
                    <th scope="col" className="px-4 py-3">
                      Status
                    </th>
                    <th scope="col" className="whitespace-nowrap px-4 py-3">
                      Last sign-in
                    </th>
                    {canManage && (
                      <th scope="col" className="px-5 py-3">
                        <span className="sr-only">Actions</span>
                      </th>
                    )}
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {views.map((m) => (
                    <tr key={m.id} data-testid={`member-${m.email}`}>
                      <td className="min-w-[10rem] break-words px-5 py-3">
                        <div className="font-medium text-slate-900">
                          {m.name ?? m.email}
                          {m.isSelf && <span className="ml-2 text-xs font-normal text-slate-500">(you)</span>}
                        </div>
                        {m.name && <div className="text-xs text-slate-500">{m.email}</div>}
                        <div className="text-xs text-slate-500">{m.source}</div>
                      </td>
                      <td className="px-4 py-3 capitalize" data-testid="member-role">
                        {m.role}
                      </td>
                      <td className="px-4 py-3">
                        <div className="flex flex-wrap gap-1">
                          {m.disabled ? (
                            <Badge tone="red">disabled</Badge>
                          ) : (
                            <Badge tone={m.status === "active" ? "green" : "yellow"}>{m.status}</Badge>
                          )}
                          {m.breakGlass && <Badge tone="blue">break-glass</Badge>}
                        </div>
                      </td>
                      <td className="whitespace-nowrap px-4 py-3 text-slate-500" title={m.lastSignIn ? `${m.lastSignIn} UTC` : undefined}>
                        {m.lastSignIn?.slice(0, 10) ?? "Never"}
                      </td>
                      {canManage && (
                        <td className="px-4 py-3">
                          {manageable(m) && <MemberActions workspace={workspace.slug} member={m} roles={grantable} />}
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollArea>
          )}
        </Card>
      </div>
    </>
  );
}
