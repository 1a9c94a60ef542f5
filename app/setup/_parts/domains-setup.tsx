import { DomainsPanel } from "@/components/domains/domains-panel";
import { QueryProvider } from "@/components/providers";
import { PageHeader } from "@/components/ui/card";
import { listSetupLinkDomains } from "@/lib/services/setup-link-scope";
import type { ResolvedSetupLink } from "@/lib/services/setup-links";
import { toDomainItem } from "@/app/(console)/w/[workspace]/settings/domains/domain-item";
import { addDomainAction, listDomainsAction, removeDomainAction, routeDomainAction, verifyDomainAction } from "../domain-actions";
import type { SetupDb as Db } from "../_lib/context";

/** Purpose `domains`: the console's domains list (add, TXT record with copy buttons, verify), without routing or removing. */
export async function DomainsSetup({ db, link }: { db: Db; link: ResolvedSetupLink }) {
  const initial = (await listSetupLinkDomains(db, link)).map(toDomainItem);
  return (
    <>
      <PageHeader
        title={`Verify email domains for ${link.workspace.name}`}
        description={`An owner of ${link.workspace.name} sent you this link. Add your company's email domain, create the DNS TXT record shown, and verify it. This link expires ${link.link.expiresAt.toUTCString()}.`}
      />
      <QueryProvider>
        <DomainsPanel
          slug={link.workspace.slug}
          initial={initial}
          connections={[]}
          canManage
          mayRouteAndRemove={false}
          actions={{
            list: listDomainsAction,
            add: addDomainAction,
            verify: verifyDomainAction,
            route: routeDomainAction,
            remove: removeDomainAction,
          }}
        />
      </QueryProvider>
      <p className="mt-6 text-sm text-slate-600">
        With this link you can add and verify domains. Which SSO connection a domain signs in with, and SSO enforcement, stay with the
        workspace&apos;s owners.
      </p>
    </>
  );
}
