"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import {
  addDomainAction,
  listDomainsAction,
  removeDomainAction,
  routeDomainAction,
  verifyDomainAction,
} from "@/app/(console)/w/[workspace]/settings/domains/actions";
import { Card, CardHeader, EmptyState } from "@/components/ui/card";
import { AddDomainForm } from "./add-domain-form";
import { DomainRow } from "./domain-row";
import type { ConnectionOption, DomainActions, DomainItem } from "./types";

const consoleDomainActions: DomainActions = {
  list: listDomainsAction,
  add: addDomainAction,
  verify: verifyDomainAction,
  route: routeDomainAction,
  remove: removeDomainAction,
};

/**
 * The workspace's domains with live status: the list is polled (every 10 s, faster while a domain
 * is pending) so verifications by others, the CLI, the API or the periodic re-check show up.
 */
export function DomainsPanel({
  slug,
  initial,
  connections,
  canManage,
  actions = consoleDomainActions,
  mayRouteAndRemove = true,
}: {
  slug: string;
  initial: DomainItem[];
  connections: ConnectionOption[];
  canManage: boolean;
  /** The setup-link page's own actions (scoped to the link); the console's by default. */
  actions?: DomainActions;
  /** Off on the setup-link page: routing and removing stay with the workspace's admins. */
  mayRouteAndRemove?: boolean;
}) {
  const query = useQuery({
    queryKey: ["domains", slug],
    queryFn: () => actions.list(slug),
    initialData: initial,
    refetchInterval: (q) => ((q.state.data ?? []).some((d) => d.status !== "verified") ? 5_000 : 10_000),
  });
  const queryClient = useQueryClient();
  const domains = query.data ?? [];
  // A verified or routed domain changes who enforcement covers: the enforcement preview re-reads too.
  const refresh = async () => {
    await query.refetch();
    await queryClient.invalidateQueries({ queryKey: ["enforcement-preview", slug] });
  };

  return (
    <Card>
      <CardHeader
        title="Email domains"
        description="Verify each domain with a DNS TXT record, then choose which SSO connection its people sign in with."
        actions={
          query.isFetching ? (
            <span className="text-xs text-slate-500" aria-live="polite">
              Refreshing…
            </span>
          ) : null
        }
      />
      {canManage && (
        <div className="border-b border-slate-100 px-5 py-4">
          <AddDomainForm slug={slug} onAdded={() => void refresh()} add={actions.add} />
        </div>
      )}
      {domains.length === 0 ? (
        <EmptyState
          title="No domains yet"
          description={
            canManage
              ? "Add the domain of your company's email addresses. Once it is verified and routed to a connection, people who type such an address on the sign-in page go straight to your IdP."
              : "An admin can add and verify your company's email domain here."
          }
        />
      ) : (
        <ul className="divide-y divide-slate-100" aria-label="Domains">
          {domains.map((d) => (
            <DomainRow
              key={d.id}
              slug={slug}
              domain={d}
              connections={connections}
              canManage={canManage}
              onChanged={refresh}
              actions={actions}
              mayRouteAndRemove={mayRouteAndRemove}
            />
          ))}
        </ul>
      )}
    </Card>
  );
}
