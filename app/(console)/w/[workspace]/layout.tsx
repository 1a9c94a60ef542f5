import { ConsoleShell } from "@/components/console/shell";
import { requireWorkspaceRole } from "@/lib/auth/session";
import { listWorkspacesForUser } from "@/lib/services/workspaces";

export const dynamic = "force-dynamic";

export default async function WorkspaceLayout({ children, params }: { children: React.ReactNode; params: Promise<{ workspace: string }> }) {
  const { workspace: slug } = await params;
  const { user, workspace, membership, db } = await requireWorkspaceRole(slug, "viewer");
  const workspaces = await listWorkspacesForUser(db, user.id);
  return (
    <ConsoleShell
      workspace={{ slug: workspace.slug, name: workspace.name }}
      workspaces={workspaces.map((w) => ({ slug: w.slug, name: w.name }))}
      user={{ email: user.email, name: user.name }}
      role={membership.role}
    >
      {children}
    </ConsoleShell>
  );
}
