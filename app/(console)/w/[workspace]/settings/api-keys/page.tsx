import type { Metadata } from "next";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { requireWorkspaceRole } from "@/lib/auth/session";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace: slug } = await params;
  await requireWorkspaceRole(slug, "viewer");
  return (
    <>
      <PageHeader title="API keys" description="Keys let scripts manage SSO through the REST API." />
      <Card>
        <EmptyState title="Coming soon" description="This page arrives with its issue." />
      </Card>
    </>
  );
}
