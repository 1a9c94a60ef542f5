import type { Metadata } from "next";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { requireWorkspaceRole } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace: slug } = await params;
  await requireWorkspaceRole(slug, "viewer");
  return (
    <>
      <PageHeader title="Audit log" description="Every change to members, connections and domains." />
      <Card>
        <EmptyState title="Coming soon" description="This page arrives with its issue." />
      </Card>
    </>
  );
}
