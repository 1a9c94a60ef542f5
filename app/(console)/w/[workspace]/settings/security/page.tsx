import type { Metadata } from "next";
import { IpAllowlistCard } from "@/components/security/ip-allowlist-card";
import { Badge } from "@/components/ui/badge";
import { Card, CardHeader, PageHeader } from "@/components/ui/card";
import { requireWorkspaceRole } from "@/lib/auth/session";
import { addressInRanges, canonicalClientAddress } from "@/lib/net/cidr";
import { getIpAllowlist } from "@/lib/services/ip-allowlist";
import { listMembers } from "@/lib/services/members";

export const metadata: Metadata = { title: "Security" };

export default async function SecurityPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace: slug } = await params;
  const { db, workspace, membership, ip } = await requireWorkspaceRole(slug, "viewer");
  const isOwner = membership.role === "owner";
  const list = await getIpAllowlist(db, workspace.id);
  const breakGlassOwners = isOwner
    ? (await listMembers(db, workspace.id)).filter((m) => m.role === "owner" && m.breakGlass && m.status === "active").map((m) => m.email)
    : [];
  return (
    <>
      <PageHeader title="Security" description="Where members may sign in from, and who is exempt when things go wrong." />
      {isOwner ? (
        <IpAllowlistCard
          slug={workspace.slug}
          initial={{
            ranges: list.ranges,
            exemptBreakGlassOwners: list.exemptBreakGlassOwners,
            updatedAt: list.updatedAt?.toISOString() ?? null,
          }}
          currentAddress={canonicalClientAddress(ip) ?? ip}
          currentAllowed={list.ranges.length === 0 || addressInRanges(ip, list.ranges)}
          breakGlassOwners={breakGlassOwners}
        />
      ) : (
        <Card>
          <CardHeader
            title="Sign-in IP allowlist"
            description="Only workspace owners can see and change the networks this workspace allows."
            actions={<Badge tone={list.ranges.length ? "blue" : "gray"}>{list.ranges.length ? "On" : "Off"}</Badge>}
          />
        </Card>
      )}
    </>
  );
}
