import type { Metadata } from "next";
import Link from "next/link";
import { QueryProvider } from "@/components/providers";
import { SetupLinkInvalid } from "@/components/setup-links/setup-link-invalid";
import { SetupShell } from "@/components/setup-links/setup-shell";
import { SetupLinkWizardProvider } from "@/components/setup-links/setup-wizard-provider";
import { PURPOSE_LABELS } from "@/components/setup-links/types";
import { NewConnectionForm } from "@/components/sso/new-connection-form";
import { PageHeader } from "@/components/ui/card";
import { env } from "@/lib/env";
import { isIdpType } from "@/lib/idp-catalogue";
import { currentSetupLink } from "../../_lib/context";

export const metadata: Metadata = { title: "New SSO connection", referrer: "no-referrer", robots: { index: false } };
export const dynamic = "force-dynamic";

export default async function SetupNewConnectionPage({ searchParams }: { searchParams: Promise<{ idp?: string }> }) {
  const { link } = await currentSetupLink();
  if (!link || link.link.purpose !== "sso")
    return (
      <SetupShell>
        <SetupLinkInvalid />
      </SetupShell>
    );
  const { idp } = await searchParams;
  return (
    <SetupShell workspaceName={link.workspace.name} purposeLabel={PURPOSE_LABELS.sso}>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/setup" className="text-brand-700 hover:underline">
          ← Setup
        </Link>
      </nav>
      <PageHeader
        title="New SSO connection"
        description="Four short steps: name it, register Gatehouse in your IdP, give Gatehouse your IdP's metadata, test."
      />
      <QueryProvider>
        <SetupLinkWizardProvider>
          <NewConnectionForm
            workspace={link.workspace.slug}
            workspaceName={link.workspace.name}
            includeDev={!env().isProduction}
            initialIdp={idp && isIdpType(idp) ? idp : null}
          />
        </SetupLinkWizardProvider>
      </QueryProvider>
    </SetupShell>
  );
}
