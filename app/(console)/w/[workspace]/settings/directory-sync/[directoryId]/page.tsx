import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AdminOnly } from "@/components/sso/admin-only";
import { DirectorySettings } from "@/components/directory-sync/directory-settings";
import { GroupRoleSelect } from "@/components/directory-sync/group-role-select";
import { directoryGuide } from "@/components/directory-sync/idp-guides";
import { RotateTokenButton } from "@/components/directory-sync/rotate-token-button";
import { SetupSteps } from "@/components/directory-sync/setup-steps";
import { Badge } from "@/components/ui/badge";
import { Card, CardHeader, EmptyState, PageHeader } from "@/components/ui/card";
import { CopyField } from "@/components/ui/copy-field";
import { ScrollArea } from "@/components/ui/scroll-area";
import { hasRole } from "@/lib/auth/roles";
import { requireWorkspaceRole } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import {
  getDirectoryOrThrow,
  listDirectoryTokens,
  listScimRequests,
  listSyncedGroups,
  listSyncedUsers,
  scimBaseUrl,
} from "@/lib/services/directories";

export const metadata: Metadata = { title: "Directory" };

const when = (d: Date | null) => (d ? `${d.toISOString().slice(0, 16).replace("T", " ")}` : "never");

export default async function DirectoryPage({ params }: { params: Promise<{ workspace: string; directoryId: string }> }) {
  const { workspace: slug, directoryId } = await params;
  const { db, workspace, membership } = await requireWorkspaceRole(slug, "viewer");
  if (!hasRole(membership.role, "admin")) return <AdminOnly what="manage directory sync" />;
  const d = await getDirectoryOrThrow(db, workspace.id, directoryId).catch((e) => {
    if (isAppError(e) && e.code === "NOT_FOUND") notFound();
    throw e;
  });
  const guide = directoryGuide(d.kind);
  const [tokens, users, groups, requests] = await Promise.all([
    listDirectoryTokens(db, d.id),
    listSyncedUsers(db, workspace.id, d.id),
    listSyncedGroups(db, workspace.id, d.id),
    listScimRequests(db, workspace.id, d.id, { limit: 50 }),
  ]);
  return (
    <>
      <PageHeader
        title={d.name}
        description={
          <>
            <Link href={`/w/${workspace.slug}/settings/directory-sync`} className="text-brand-700 underline">
              Directory sync
            </Link>{" "}
            · {guide.label} · {d.active ? <Badge tone="green">On</Badge> : <Badge tone="gray">Off</Badge>}
          </>
        }
      />
      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardHeader
            title={`Connect ${guide.label}`}
            description="Paste these into the IdP's provisioning settings."
            actions={<RotateTokenButton workspace={workspace.slug} directoryId={d.id} tokenField={guide.tokenField} />}
          />
          <div className="space-y-4 px-5 py-4">
            <CopyField label={guide.urlField} value={scimBaseUrl(env().appUrl, d.id)} id="scim-base-url" exactLabel />
            <div>
              <p className="text-sm font-semibold text-slate-800">{guide.tokenField}</p>
              <ul className="mt-1 space-y-1 text-sm text-slate-600">
                {tokens.map((t) => (
                  <li key={t.prefix} className="font-mono text-xs">
                    {t.prefix}… created {when(t.createdAt)} UTC · last used {when(t.lastUsedAt)}
                    {t.expiresAt ? ` · stops working ${when(t.expiresAt)} UTC` : ""}
                  </li>
                ))}
              </ul>
              <p className="mt-1 text-xs text-slate-500">Tokens are shown once, when created. Lost it? Rotate the token.</p>
            </div>
            <SetupSteps guide={guide} />
          </div>
        </Card>
        <Card>
          <CardHeader title="Settings" />
          <DirectorySettings
            workspace={workspace.slug}
            directoryId={d.id}
            initial={{
              active: d.active,
              defaultRole: d.defaultRole as "viewer",
              deprovisionOutsideMappedGroups: d.deprovisionOutsideMappedGroups,
            }}
          />
        </Card>
      </div>

      <Card className="mt-6">
        <CardHeader
          title={`Groups (${groups.length})`}
          description="Map groups to roles: a member gets the highest role of their mapped groups, else the default role. Never owner."
        />
        {groups.length === 0 ? (
          <EmptyState
            title="No groups pushed yet"
            description={`Push or assign groups in ${guide.label}; they appear here, ready to be mapped to roles.`}
          />
        ) : (
          <ScrollArea label="Groups">
            <table className="min-w-full divide-y divide-slate-200 text-sm">
              <caption className="sr-only">Synced groups</caption>
              <thead>
                <tr className="text-left text-xs font-medium uppercase tracking-wide text-slate-500">
                  <th scope="col" className="px-5 py-3">
                    Group
                  </th>
                  <th scope="col" className="px-4 py-3">
                    Members
                  </th>
                  <th scope="col" className="px-5 py-3">
                    Role
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {groups.map((g) => (
                  <tr key={g.id}>
                    <td className="px-5 py-3 font-medium text-slate-900">{g.displayName}</td>
                    <td className="px-4 py-3 text-slate-600">{g.members}</td>
                    <td className="px-5 py-3">
                      <GroupRoleSelect
                        workspace={workspace.slug}
                        directoryId={d.id}
                        groupId={g.id}
                        groupName={g.displayName}
                        role={g.role}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollArea>
        )}
      </Card>

      <Card className="mt-6">
        <CardHeader title={`Users (${users.length})`} description="People the IdP provisioned, and the access each has here." />
        {users.length === 0 ? (
          <EmptyState
            title="No users yet"
            description={`Assign people to the app in ${guide.label}; they appear here and in Members as soon as the IdP sends them.`}
          />
        ) : (
          <ScrollArea label="Synced users">
            <table className="min-w-full divide-y divide-slate-200 text-sm">
              <caption className="sr-only">Synced users</caption>
              <thead>
                <tr className="text-left text-xs font-medium uppercase tracking-wide text-slate-500">
                  <th scope="col" className="px-5 py-3">
                    User
                  </th>
                  <th scope="col" className="px-4 py-3">
                    In the IdP
                  </th>
                  <th scope="col" className="px-4 py-3">
                    Here
                  </th>
                  <th scope="col" className="px-5 py-3">
                    Updated (UTC)
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {users.map((u) => (
                  <tr key={u.id}>
                    <td className="px-5 py-3">
                      <div className="font-medium text-slate-900 [overflow-wrap:anywhere]">{u.displayName ?? u.userName}</div>
                      {u.email !== (u.displayName ?? u.userName).toLowerCase() && (
                        <div className="text-xs text-slate-500 [overflow-wrap:anywhere]">{u.email}</div>
                      )}
                    </td>
                    <td className="px-4 py-3">{u.active ? <Badge tone="green">Active</Badge> : <Badge tone="gray">Deactivated</Badge>}</td>
                    <td className="px-4 py-3">
                      {u.membershipId ? (
                        u.disabled ? (
                          <Badge tone="red">Deprovisioned</Badge>
                        ) : (
                          <Badge tone="blue">{u.role}</Badge>
                        )
                      ) : (
                        <Badge tone="gray">No access</Badge>
                      )}
                    </td>
                    <td className="whitespace-nowrap px-5 py-3 text-slate-500">{when(u.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollArea>
        )}
      </Card>

      <Card className="mt-6">
        <CardHeader
          title="Request log"
          description="The IdP's last 50 requests (kept 30 days). Bodies are stored with passwords and tokens removed."
        />
        {requests.length === 0 ? (
          <EmptyState
            title="No requests yet"
            description={`Finish the setup in ${guide.label} and use its “Test connection”: the request shows up here.`}
          />
        ) : (
          <ScrollArea label="SCIM request log">
            <table className="min-w-full divide-y divide-slate-200 text-sm">
              <caption className="sr-only">SCIM request log</caption>
              <thead>
                <tr className="text-left text-xs font-medium uppercase tracking-wide text-slate-500">
                  <th scope="col" className="px-5 py-3">
                    Time (UTC)
                  </th>
                  <th scope="col" className="px-4 py-3">
                    Request
                  </th>
                  <th scope="col" className="px-4 py-3">
                    Status
                  </th>
                  <th scope="col" className="px-5 py-3">
                    Error
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {requests.map((r) => (
                  <tr key={r.id}>
                    <td className="whitespace-nowrap px-5 py-3 text-slate-500">
                      {r.createdAt.toISOString().slice(0, 19).replace("T", " ")}
                    </td>
                    <td className="px-4 py-3 font-mono text-xs [overflow-wrap:anywhere]">
                      {r.method} {r.path}
                    </td>
                    <td className="px-4 py-3">
                      <Badge tone={r.status >= 400 ? "red" : "green"}>{r.status}</Badge>
                    </td>
                    <td className="px-5 py-3 text-xs text-slate-600 [overflow-wrap:anywhere]">{r.error ?? ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollArea>
        )}
      </Card>
    </>
  );
}
