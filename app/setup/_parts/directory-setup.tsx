import { CreateDirectoryDialog } from "@/components/directory-sync/create-directory-dialog";
import { SETUP_LINK_ROLES } from "@/components/setup-links/types";
import { Badge } from "@/components/ui/badge";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { listSetupLinkDirectories } from "@/lib/services/setup-link-scope";
import type { ResolvedSetupLink } from "@/lib/services/setup-links";
import { createDirectoryAction } from "../directory-actions";
import type { SetupDb as Db } from "../_lib/context";

/** Purpose `directory`: the console's new-directory dialog (SCIM URL, token once, the IdP's steps), role capped at the default. */
export async function DirectorySetup({ db, link }: { db: Db; link: ResolvedSetupLink }) {
  const dirs = await listSetupLinkDirectories(db, link);
  const create = (
    <CreateDirectoryDialog workspace={link.workspace.slug} create={createDirectoryAction} roles={SETUP_LINK_ROLES} directoryHref={null} />
  );
  return (
    <>
      <PageHeader
        title={`Set up directory sync for ${link.workspace.name}`}
        description={`An owner of ${link.workspace.name} sent you this link. Connect your IdP's SCIM provisioning: Gatehouse shows the SCIM base URL and token to enter. This link expires ${link.link.expiresAt.toUTCString()}.`}
        actions={dirs.length ? create : undefined}
      />
      {dirs.length === 0 ? (
        <Card>
          <EmptyState
            title="Create a SCIM directory"
            description="Pick your IdP (Okta, Entra ID, OneLogin, JumpCloud or any SCIM 2.0 client): you get the base URL and a bearer token to paste into its provisioning settings."
            action={create}
          />
        </Card>
      ) : (
        <Card>
          <ul className="divide-y divide-slate-100">
            {dirs.map((d) => (
              <li key={d.id} className="flex items-center justify-between px-5 py-4 text-sm">
                <span className="font-medium text-slate-900">{d.name}</span>
                <Badge tone={d.lastRequestAt ? "green" : "yellow"}>
                  {d.lastRequestAt ? "Receiving requests" : "Waiting for the first request"}
                </Badge>
              </li>
            ))}
          </ul>
        </Card>
      )}
      <p className="mt-6 text-sm text-slate-600">
        People provisioned through the directory get the viewer role; group-to-role mapping stays with the workspace&apos;s owners.
      </p>
    </>
  );
}
