import type { Metadata } from "next";
import Link from "next/link";
import { AdminOnly } from "@/components/sso/admin-only";
import { CreateDirectoryDialog } from "@/components/directory-sync/create-directory-dialog";
import { directoryGuide, GOOGLE_WORKSPACE_NOTE } from "@/components/directory-sync/idp-guides";
import { Badge } from "@/components/ui/badge";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { hasRole } from "@/lib/auth/roles";
import { requireWorkspaceRole } from "@/lib/auth/session";
import { directoryCounts, listDirectories } from "@/lib/services/directories";

export const metadata: Metadata = { title: "Directory sync" };

const when = (d: Date | null) => (d ? `${d.toISOString().slice(0, 16).replace("T", " ")} UTC` : "never");

export default async function DirectorySyncPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace: slug } = await params;
  const { db, workspace, membership } = await requireWorkspaceRole(slug, "viewer");
  const canManage = hasRole(membership.role, "admin");
  const header = (
    <PageHeader
      title="Directory sync"
      description="Your identity provider creates, updates and deprovisions people here over SCIM 2.0: when IT removes someone, their access ends at once, not at their next sign-in."
      actions={canManage && <CreateDirectoryDialog workspace={workspace.slug} />}
    />
  );
  if (!canManage) {
    return (
      <>
        {header}
        <AdminOnly what="manage directory sync" />
      </>
    );
  }
  const directories = await listDirectories(db, workspace.id);
  const rows = await Promise.all(directories.map(async (d) => ({ d, counts: await directoryCounts(db, d.id) })));
  return (
    <>
      {header}
      <Card>
        {rows.length === 0 ? (
          <EmptyState
            title="No directory yet"
            description="Use “New directory”, pick your identity provider (Okta, Entra ID, OneLogin, JumpCloud or any SCIM 2.0 client) and paste the base URL and token it shows into the IdP. People must have emails in a verified domain (Settings → Domains)."
          />
        ) : (
          <ul className="divide-y divide-slate-100">
            {rows.map(({ d, counts }) => (
              <li key={d.id} className="flex flex-wrap items-center justify-between gap-3 px-5 py-4">
                <div className="min-w-0">
                  <Link
                    href={`/w/${workspace.slug}/settings/directory-sync/${d.id}`}
                    className="font-medium text-brand-700 hover:underline"
                  >
                    {d.name}
                  </Link>
                  <p className="text-xs text-slate-500">
                    {directoryGuide(d.kind).label} · {counts.users} users ({counts.activeUsers} active) · {counts.groups} groups · last
                    request {when(d.lastRequestAt)}
                  </p>
                </div>
                {d.active ? <Badge tone="green">On</Badge> : <Badge tone="gray">Off</Badge>}
              </li>
            ))}
          </ul>
        )}
      </Card>
      <p className="mt-4 text-xs text-slate-500">{GOOGLE_WORKSPACE_NOTE}</p>
    </>
  );
}
