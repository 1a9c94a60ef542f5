import type { Metadata } from "next";
import Link from "next/link";
import { SetupLinkInvalid } from "@/components/setup-links/setup-link-invalid";
import { SetupShell } from "@/components/setup-links/setup-shell";
import { PURPOSE_LABELS } from "@/components/setup-links/types";
import { EventDetail } from "@/components/sso/event-detail";
import { PageHeader } from "@/components/ui/card";
import { isAppError } from "@/lib/errors";
import { getSetupLinkConnectionOrThrow } from "@/lib/services/setup-link-scope";
import { getSsoEventOrThrow } from "@/lib/services/sso-events";
import { toEventView } from "@/app/(console)/w/[workspace]/settings/sso/_lib/views";
import { currentSetupLink } from "../../_lib/context";

export const metadata: Metadata = { title: "Test sign-in result", referrer: "no-referrer", robots: { index: false } };
export const dynamic = "force-dynamic";

const link = "inline-flex items-center gap-2 rounded-md px-3.5 py-2 text-sm font-medium shadow-sm";

/** Where the ACS sends a setup link's test sign-in: the console's result view, for a connection of this link. */
export default async function SetupTestResultPage({ params }: { params: Promise<{ eventId: string }> }) {
  const { eventId } = await params;
  const { db, link: r } = await currentSetupLink();
  const found = r?.link.purpose === "sso" ? await load(r, eventId) : null;
  if (!r || !found)
    return (
      <SetupShell>
        <SetupLinkInvalid />
      </SetupShell>
    );
  const { event, c } = found;
  const ok = event.outcome === "success";
  return (
    <SetupShell workspaceName={r.workspace.name} purposeLabel={PURPOSE_LABELS.sso}>
      <PageHeader
        title={ok ? "Test sign-in succeeded" : "Test sign-in failed"}
        description={
          ok
            ? `Connection ${c.name} works. The owners of ${r.workspace.name} have been told: they review it, approve it and switch it on. Test mode: no session was created and nobody was provisioned.`
            : `Connection ${c.name} (${c.slug}). Test mode: no session was created and nobody was provisioned.`
        }
        actions={
          <>
            <a
              href={`/auth/sso/saml/${encodeURIComponent(c.slug)}/login?test=1`}
              className={`${link} bg-white text-slate-800 ring-1 ring-inset ring-slate-300 hover:bg-slate-50`}
            >
              Test again
            </a>
            <Link href={ok ? "/setup" : `/setup/sso/${c.id}?step=3`} className={`${link} bg-brand-600 text-white hover:bg-brand-700`}>
              {ok ? "Done" : "Check the IdP metadata"}
            </Link>
          </>
        }
      />
      <EventDetail event={toEventView(event)} />
    </SetupShell>
  );

  async function load(rr: NonNullable<typeof r>, id: string) {
    try {
      const event = await getSsoEventOrThrow(db, rr.workspace.id, id);
      if (!event.connectionId || !event.testMode) return null;
      const c = await getSetupLinkConnectionOrThrow(db, rr, event.connectionId);
      return { event, c };
    } catch (e) {
      if (isAppError(e) && e.code === "NOT_FOUND") return null;
      throw e;
    }
  }
}
