import type { Metadata } from "next";
import { DomainsPanel } from "@/components/domains/domains-panel";
import { EnforcementCard } from "@/components/domains/enforcement-card";
import type { DomainItem } from "@/components/domains/types";
import { toDomainItem } from "./domain-item";
import { QueryProvider } from "@/components/providers";
import { Badge } from "@/components/ui/badge";
import { Card, CardHeader, PageHeader } from "@/components/ui/card";
import { hasRole } from "@/lib/auth/roles";
import { requireWorkspaceRole } from "@/lib/auth/session";
import { listConnections } from "@/lib/services/connections";
import { connectionCanSignIn } from "@/lib/services/connection-readiness";
import { listDomains } from "@/lib/services/domains";
import { listMembers } from "@/lib/services/members";
import { getEnforcement } from "@/lib/services/sso-enforcement";

export const metadata: Metadata = { title: "Domains" };

export default async function DomainsPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace: slug } = await params;
  const { db, workspace, membership, user } = await requireWorkspaceRole(slug, "viewer");
  const isOwner = membership.role === "owner";
  const [domains, connections, enforcement, members] = await Promise.all([
    listDomains(db, workspace.id),
    listConnections(db, workspace.id),
    getEnforcement(db, workspace.id, user.id),
    isOwner ? listMembers(db, workspace.id) : Promise.resolve([]),
  ]);
  const initial: DomainItem[] = domains.map(toDomainItem);

  return (
    <>
      <PageHeader
        title="Domains"
        description="Verify the email domains your company owns to route sign-ins to your IdP, and decide who must use SSO."
      />
      <div className="space-y-6">
        <QueryProvider>
          <DomainsPanel
            slug={workspace.slug}
            initial={initial}
            connections={connections.map((c) => ({
              id: c.id,
              name: c.name,
              slug: c.slug,
              active: c.active,
              ready: connectionCanSignIn(c),
            }))}
            canManage={hasRole(membership.role, "admin")}
          />
          {isOwner ? (
            <EnforcementCard
              slug={workspace.slug}
              initial={{
                mode: enforcement.mode,
                ownersBreakGlass: enforcement.ownersBreakGlass,
                warnings: enforcement.warnings.map((w) => ({ code: w.code, severity: w.severity, message: w.message })),
              }}
              members={members
                .filter((m) => m.status === "active")
                .map((m) => ({
                  id: m.id,
                  email: m.email,
                  name: m.name,
                  role: m.role,
                  source: m.source,
                  breakGlass: m.breakGlass,
                  isSelf: m.userId === user.id,
                }))}
            />
          ) : (
            <Card>
              <CardHeader
                title="SSO enforcement"
                description="Only workspace owners can change who must sign in with SSO."
                actions={
                  <Badge tone={enforcement.mode === "off" ? "gray" : "blue"}>
                    {enforcement.mode === "off"
                      ? "Off"
                      : enforcement.mode === "verified_domains"
                        ? "Everyone in verified domains"
                        : "SSO-provisioned members"}
                  </Badge>
                }
              />
            </Card>
          )}
        </QueryProvider>
      </div>
    </>
  );
}
