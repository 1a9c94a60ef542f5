import type { Metadata } from "next";
import { Badge } from "@/components/ui/badge";
import { Card, PageHeader } from "@/components/ui/card";
import { requireWorkspaceRole } from "@/lib/auth/session";
import { listMembers } from "@/lib/services/members";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace: slug } = await params;
  const { db, workspace } = await requireWorkspaceRole(slug, "viewer");
  const members = await listMembers(db, workspace.id);
  return (
    <>
      <PageHeader title="Members" description={`People with access to ${workspace.name}, their roles and how they sign in.`} />
      <Card>
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <thead>
            <tr className="text-left text-xs font-medium uppercase tracking-wide text-slate-500">
              <th scope="col" className="px-5 py-3">Member</th>
              <th scope="col" className="px-5 py-3">Role</th>
              <th scope="col" className="px-5 py-3">Status</th>
              <th scope="col" className="px-5 py-3">Source</th>
              <th scope="col" className="px-5 py-3">Last sign-in</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {members.map((m) => (
              <tr key={m.id}>
                <td className="px-5 py-3">
                  <div className="font-medium text-slate-900">{m.name ?? m.email}</div>
                  {m.name && <div className="text-xs text-slate-500">{m.email}</div>}
                </td>
                <td className="px-5 py-3 capitalize">{m.role}</td>
                <td className="px-5 py-3">
                  <Badge tone={m.status === "active" ? "green" : "yellow"}>{m.status}</Badge>
                </td>
                <td className="px-5 py-3">{m.source === "sso" ? "SSO" : m.source === "scim" ? "SCIM" : "Password"}</td>
                <td className="px-5 py-3 text-slate-500">{m.lastLoginAt ? m.lastLoginAt.toISOString().slice(0, 16).replace("T", " ") + " UTC" : "Never"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </>
  );
}
