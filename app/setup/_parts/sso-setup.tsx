import Link from "next/link";
import { IdpLogo } from "@/components/sso/idp-logo";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import type { SetupDb as Db } from "../_lib/context";
import { getIdp } from "@/lib/idp-catalogue";
import { isConnectionConfigured } from "@/lib/services/connection-health";
import { listSetupLinkConnections } from "@/lib/services/setup-link-scope";
import type { ResolvedSetupLink } from "@/lib/services/setup-links";

const primaryLink =
  "inline-flex items-center gap-2 rounded-md bg-brand-600 px-3.5 py-2 text-sm font-medium text-white shadow-sm hover:bg-brand-700";

/** Purpose `sso`: the connections this link made, and adding one with the console's guided setup. */
export async function SsoSetup({ db, link }: { db: Db; link: ResolvedSetupLink }) {
  const connections = await listSetupLinkConnections(db, link);
  const add = (
    <Link href="/setup/sso/new" className={primaryLink}>
      Add a connection
    </Link>
  );
  return (
    <>
      <PageHeader
        title={`Set up single sign-on for ${link.workspace.name}`}
        description={`An owner of ${link.workspace.name} sent you this link. Connect your identity provider step by step and run a test sign-in; the owners then review and switch it on. This link expires ${link.link.expiresAt.toUTCString()}.`}
        actions={connections.length ? add : undefined}
      />
      {connections.length === 0 ? (
        <Card>
          <EmptyState
            title="Connect your identity provider"
            description="Pick your IdP (Okta, Entra ID, Google Workspace, …): Gatehouse shows exactly what to enter where, reads your IdP's metadata, and lets you test a sign-in."
            action={add}
          />
        </Card>
      ) : (
        <Card>
          <ul className="divide-y divide-slate-100">
            {connections.map((c) => (
              <li key={c.id} className="flex flex-wrap items-center justify-between gap-3 px-5 py-4">
                <div className="flex items-center gap-3">
                  <IdpLogo type={c.idpType} />
                  <div>
                    <div className="font-medium text-slate-900">{c.name}</div>
                    <div className="text-xs text-slate-500">
                      {getIdp(c.idpType).displayName} · <span className="font-mono">{c.slug}</span>
                    </div>
                  </div>
                  {isConnectionConfigured(c) ? (
                    <Badge tone="green">IdP metadata added</Badge>
                  ) : (
                    <Badge tone="yellow">Needs IdP metadata</Badge>
                  )}
                </div>
                <Link
                  href={`/setup/sso/${c.id}?step=${isConnectionConfigured(c) ? 4 : 2}`}
                  className="text-sm font-medium text-brand-700 underline"
                >
                  {isConnectionConfigured(c) ? "Test sign-in" : "Continue setup"}
                </Link>
              </li>
            ))}
          </ul>
        </Card>
      )}
      <p className="mt-6 text-sm text-slate-600">
        With this link you can add and set up SSO connections and test them. Members, API keys, enforcement and roles stay with the
        workspace&apos;s owners.
      </p>
    </>
  );
}
