import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { EventDetail } from "@/components/sso/event-detail";
import { PageHeader } from "@/components/ui/card";
import { isAppError } from "@/lib/errors";
import { getSsoEventOrThrow } from "@/lib/services/sso-events";
import { loadConnection } from "../../../_lib/load";
import { toEventView } from "../../../_lib/views";

export const metadata: Metadata = { title: "Sign-in attempt" };

export default async function EventPage({ params }: { params: Promise<{ workspace: string; connectionId: string; eventId: string }> }) {
  const { workspace: slug, connectionId, eventId } = await params;
  const { db, workspace, connection: c, base } = await loadConnection(slug, connectionId);
  const event = await getSsoEventOrThrow(db, workspace.id, eventId).catch((e) => {
    if (isAppError(e) && e.code === "NOT_FOUND") notFound();
    throw e;
  });
  if (event.connectionId !== c.id) notFound();
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href={`${base}#events`} className="text-brand-700 hover:underline">
          ← {c.name}: sign-in attempts
        </Link>
      </nav>
      <PageHeader title="Sign-in attempt" description={`Through ${c.name} (${c.slug}).`} />
      <EventDetail event={toEventView(event)} />
    </>
  );
}
