import type { Metadata } from "next";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { requireWorkspaceRole } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Domains" };

export default async function DomainsPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace: slug } = await params;
  await requireWorkspaceRole(slug, "viewer");
  return (
    <>
      <PageHeader title="Domains" description="Verify the email domains your company owns to route sign-ins to your IdP." />
      <Card>
        <EmptyState title="Coming soon" description="This page arrives with its issue." />
      </Card>
    </>
  );
}
