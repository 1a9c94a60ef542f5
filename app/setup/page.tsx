import type { Metadata } from "next";
import { SetupLinkOpener } from "@/components/setup-links/setup-link-opener";
import { SetupShell } from "@/components/setup-links/setup-shell";
import { PURPOSE_LABELS } from "@/components/setup-links/types";
import { currentSetupLink } from "./_lib/context";
import { DirectorySetup } from "./_parts/directory-setup";
import { DomainsSetup } from "./_parts/domains-setup";
import { SsoSetup } from "./_parts/sso-setup";

export const metadata: Metadata = { title: "Setup", referrer: "no-referrer", robots: { index: false } };
export const dynamic = "force-dynamic";

/** The IT admin's page: `/setup#<token>` (the fragment is exchanged for a cookie on first open). */
export default async function SetupPage() {
  const { db, link } = await currentSetupLink();
  if (!link)
    return (
      <SetupShell>
        <SetupLinkOpener valid={false} />
      </SetupShell>
    );
  return (
    <SetupShell workspaceName={link.workspace.name} purposeLabel={PURPOSE_LABELS[link.link.purpose]}>
      <SetupLinkOpener valid />
      {link.link.purpose === "sso" && <SsoSetup db={db} link={link} />}
      {link.link.purpose === "domains" && <DomainsSetup db={db} link={link} />}
      {link.link.purpose === "directory" && <DirectorySetup db={db} link={link} />}
    </SetupShell>
  );
}
