import { Fragment } from "react";
import type { Metadata } from "next";
import Link from "next/link";
import { ConnectionStatusBadge, unsignedRefusedText } from "@/components/sso/status-badge";
import { formatDate, formatDateTime } from "@/components/sso/format";
import { IdpLogo } from "@/components/sso/idp-logo";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { ScrollArea } from "@/components/ui/scroll-area";
import { requireWorkspaceRole } from "@/lib/auth/session";
import { getIdp } from "@/lib/idp-catalogue";
import { listConnectionHealth } from "@/lib/services/connection-health";
import { listConnections } from "@/lib/services/connections";
import { SetupLinkCompletedBanner } from "@/components/setup-links/completed-banner";
import { SetupLinksCard } from "@/components/setup-links/setup-links-card";
import { loadSetupLinks } from "./_lib/setup-links";

export const metadata: Metadata = { title: "SSO" };

const linkButton =
  "inline-flex items-center justify-center gap-2 rounded-md bg-brand-600 px-3.5 py-2 text-sm font-medium text-white shadow-sm hover:bg-brand-700";

export default async function SsoPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace: slug } = await params;
  const { db, workspace, membership } = await requireWorkspaceRole(slug, "viewer");
  const [connections, health] = await Promise.all([listConnections(db, workspace.id), listConnectionHealth(db, workspace.id)]);
  const base = `/w/${slug}/settings/sso`;
  // Only owners add connections: a connection decides who can sign in, and as whom.
  const addButton =
    membership.role === "owner" ? (
      <Link href={`${base}/new`} className={linkButton}>
        Add connection
      </Link>
    ) : undefined;
  const anyRouted = [...health.values()].some((h) => h.routedDomains.length > 0);
  const setupLinks = membership.role === "owner" ? await loadSetupLinks(db, workspace.id) : null;

  return (
    <>
      <PageHeader
        title="SSO"
        description="Connect your identity provider (Okta, Entra ID, Google Workspace, …) so members sign in with single sign-on."
        actions={connections.length > 0 ? addButton : undefined}
      />
      {setupLinks && <SetupLinkCompletedBanner workspace={slug} items={setupLinks.completions} />}
      {connections.length === 0 ? (
        <Card>
          <EmptyState
            title="Add a connection for your identity provider"
            description={
              <>
                Add a connection first: pick your IdP and Gatehouse shows exactly what to paste where. Next, verify your email domain under{" "}
                <Link className="font-medium text-brand-700 underline" href={`/w/${slug}/settings/domains`}>
                  Domains
                </Link>{" "}
                and route it to the connection, so people who type their work email are sent to SSO.
                {membership.role !== "owner" && " Only owners can add connections."}
              </>
            }
            action={addButton}
          />
        </Card>
      ) : (
        <>
          <Card>
            <ScrollArea label="SSO connections">
              <table className="min-w-full divide-y divide-slate-200 text-sm">
                <caption className="sr-only">SSO connections</caption>
                <thead>
                  <tr className="text-left text-xs font-medium uppercase tracking-wide text-slate-500">
                    <th scope="col" className="px-3 py-3">
                      Connection
                    </th>
                    <th scope="col" className="px-3 py-3">
                      Status
                    </th>
                    <th scope="col" className="px-3 py-3">
                      Routed domains
                    </th>
                    <th scope="col" className="px-3 py-3">
                      Last successful <span className="whitespace-nowrap">sign-in</span>
                    </th>
                    <th scope="col" className="px-3 py-3 text-right">
                      Failures <span className="whitespace-nowrap">(24 h)</span>
                    </th>
                    <th scope="col" className="px-3 py-3">
                      Certificate expiry
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {connections.map((c) => {
                    const h = health.get(c.id);
                    const idp = getIdp(c.idpType);
                    return (
                      <tr key={c.id} className="hover:bg-slate-50">
                        <td className="min-w-[11rem] px-3 py-3">
                          <div className="flex items-center gap-3">
                            <IdpLogo type={c.idpType} />
                            <div className="min-w-0">
                              <Link href={`${base}/${c.id}`} className="font-medium text-slate-900 hover:text-brand-700 hover:underline">
                                {c.name}
                              </Link>
                              {c.name !== idp.displayName && <div className="text-xs text-slate-500">{idp.displayName}</div>}
                              <div className="max-w-[12rem] truncate font-mono text-xs text-slate-500" title={c.slug}>
                                {c.slug}
                              </div>
                            </div>
                          </div>
                        </td>
                        <td className="px-3 py-3">{h && <ConnectionStatusBadge status={h.status} />}</td>
                        <td className="px-3 py-3 text-slate-700">
                          {/* Lines break between domains, or after a dot or hyphen of a long one: never inside a word. */}
                          {h?.routedDomains.length ? (
                            h.routedDomains.map((d, i) => (
                              <Fragment key={d}>
                                <span className="whitespace-nowrap" data-testid="routed-domain">
                                  {d.split(/(?<=[.-])/).map((part, j) => (
                                    <Fragment key={j}>
                                      {j > 0 && <wbr />}
                                      {part}
                                    </Fragment>
                                  ))}
                                </span>
                                {i < h.routedDomains.length - 1 ? ", " : ""}
                              </Fragment>
                            ))
                          ) : (
                            <span className="text-slate-500">None</span>
                          )}
                        </td>
                        <td className="px-3 py-3 text-slate-600">{h?.lastSuccessAt ? formatDateTime(h.lastSuccessAt) : "Never"}</td>
                        <td
                          className={`px-3 py-3 text-right tabular-nums ${h?.failures24h ? "font-semibold text-red-700" : "text-slate-600"}`}
                        >
                          {h?.failures24h ?? 0}
                          {!!h?.unsignedRefused24h && (
                            <span className="block text-xs font-normal text-slate-500">{unsignedRefusedText(h.unsignedRefused24h)}</span>
                          )}
                        </td>
                        <td className="whitespace-nowrap px-3 py-3">
                          {h?.certExpiresAt ? (
                            <span className={h.certExpiringSoon ? "font-medium text-amber-800" : "text-slate-600"}>
                              {formatDate(h.certExpiresAt)}
                              {h.certExpiringSoon && (
                                <span className="block text-xs">{h.certDaysLeft! < 0 ? "Expired" : `⚠ in ${h.certDaysLeft} days`}</span>
                              )}
                            </span>
                          ) : (
                            <span className="text-slate-500">No certificate</span>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </ScrollArea>
          </Card>
          {!anyRouted && (
            <p className="mt-4 text-sm text-slate-600">
              Next: verify your email domain under{" "}
              <Link className="font-medium text-brand-700 underline" href={`/w/${slug}/settings/domains`}>
                Domains
              </Link>{" "}
              and route it to a connection, so people are sent to SSO when they type their work email.
            </p>
          )}
        </>
      )}
      {setupLinks && <SetupLinksCard workspace={slug} links={setupLinks.links} />}
    </>
  );
}
