import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { EventDetail } from "@/components/sso/event-detail";
import { PageHeader } from "@/components/ui/card";
import { isAppError } from "@/lib/errors";
import { getSsoEventOrThrow } from "@/lib/services/sso-events";
import { loadConnection } from "../../../_lib/load";
import { toEventView } from "../../../_lib/views";

export const metadata: Metadata = { title: "Test sign-in result" };

const link = "inline-flex items-center gap-2 rounded-md px-3.5 py-2 text-sm font-medium shadow-sm";

/** Where the ACS sends a test-mode sign-in: the whole result, and what to do next. */
export default async function TestResultPage({
  params,
}: {
  params: Promise<{ workspace: string; connectionId: string; eventId: string }>;
}) {
  const { workspace: slug, connectionId, eventId } = await params;
  const { db, workspace, connection: c, base } = await loadConnection(slug, connectionId);
  const event = await getSsoEventOrThrow(db, workspace.id, eventId).catch((e) => {
    if (isAppError(e) && e.code === "NOT_FOUND") notFound();
    throw e;
  });
  if (event.connectionId !== c.id) notFound();
  const ok = event.outcome === "success";
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href={base} className="text-brand-700 hover:underline">
          ← {c.name}
        </Link>
      </nav>
      <PageHeader
        title={ok ? "Test sign-in succeeded" : "Test sign-in failed"}
        description={`Connection ${c.name} (${c.slug}). Test mode: no session was created and nobody was provisioned.`}
        actions={
          <>
            <a
              href={`/auth/sso/saml/${encodeURIComponent(c.slug)}/login?test=1`}
              className={`${link} bg-white text-slate-800 ring-1 ring-inset ring-slate-300 hover:bg-slate-50`}
            >
              Test again
            </a>
            <Link href={ok ? `${base}#role-mapping` : base} className={`${link} bg-brand-600 text-white hover:bg-brand-700`}>
              {ok ? "Map groups to roles" : "Back to the connection"}
            </Link>
          </>
        }
      />
      <EventDetail event={toEventView(event)} />
    </>
  );
}
