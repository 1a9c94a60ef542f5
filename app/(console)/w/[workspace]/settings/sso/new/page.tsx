import type { Metadata } from "next";
import Link from "next/link";
import { OwnersOnly } from "@/components/sso/admin-only";
import { NewConnectionForm } from "@/components/sso/new-connection-form";
import { QueryProvider } from "@/components/providers";
import { PageHeader } from "@/components/ui/card";
import { requireWorkspaceRole } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { isIdpType } from "@/lib/idp-catalogue";

export const metadata: Metadata = { title: "New SSO connection" };

export default async function NewConnectionPage({
  params,
  searchParams,
}: {
  params: Promise<{ workspace: string }>;
  searchParams: Promise<{ idp?: string }>;
}) {
  const { workspace: slug } = await params;
  const { idp } = await searchParams;
  const { membership, workspace } = await requireWorkspaceRole(slug, "viewer");
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href={`/w/${slug}/settings/sso`} className="text-brand-700 hover:underline">
          ← SSO connections
        </Link>
      </nav>
      <PageHeader
        title="New SSO connection"
        description="Four short steps: name it, register Gatehouse in your IdP, give Gatehouse your IdP's metadata, test."
      />
      {membership.role === "owner" ? (
        <QueryProvider>
          <NewConnectionForm
            workspace={slug}
            workspaceName={workspace.name}
            includeDev={!env().isProduction}
            initialIdp={idp && isIdpType(idp) ? idp : null}
          />
        </QueryProvider>
      ) : (
        <OwnersOnly what="add SSO connections" />
      )}
    </>
  );
}
