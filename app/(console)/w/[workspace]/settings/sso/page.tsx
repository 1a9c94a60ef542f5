import type { Metadata } from "next";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { requireWorkspaceRole } from "@/lib/auth/session";

export const metadata: Metadata = { title: "SSO" };

export default async function SsoPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace: slug } = await params;
  await requireWorkspaceRole(slug, "viewer");
  return (
    <>
      <PageHeader title="SSO" description="Connect your identity provider (Okta, Entra ID, Google Workspace, …) so members sign in with single sign-on." />
      <Card>
        <EmptyState title="Coming soon" description="This page arrives with its issue." />
      </Card>
    </>
  );
}
