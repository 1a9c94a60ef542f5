import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { isAppError } from "@/lib/errors";
import { devMailEnabled, getDevMail } from "@/lib/services/dev-mail";
import { getReadyDb } from "@/server/bootstrap";
import { DevMailFrame, STATUS_LABELS } from "../frame";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Captured email", referrer: "no-referrer" };

/** One captured message: headers, the text part with working links, and the HTML part in a sandbox. */
export default async function DevMailMessagePage({ params }: { params: Promise<{ id: string }> }) {
  if (!devMailEnabled()) notFound();
  const { id } = await params;
  let m: Awaited<ReturnType<typeof getDevMail>>;
  try {
    m = await getDevMail(await getReadyDb(), id);
  } catch (e) {
    if (isAppError(e) && e.code === "NOT_FOUND") notFound();
    throw e;
  }
  const facts: [string, string][] = [
    ["From", m.from],
    ["To", m.to],
    ["Subject", m.subject],
    ["Queued", `${m.createdAt.toUTCString()}`],
    ["Status", `${STATUS_LABELS[m.status] ?? m.status}${m.attempts ? ` (${m.attempts} attempt${m.attempts === 1 ? "" : "s"})` : ""}`],
    ...(m.lastError ? ([["Last error", m.lastError]] as [string, string][]) : []),
  ];
  return (
    <DevMailFrame
      title={m.subject}
      description={
        <Link href="/dev/mail" className="font-medium text-brand-600 hover:text-brand-700">
          ← All mail
        </Link>
      }
    >
      <dl className="grid grid-cols-[8rem_1fr] gap-x-4 gap-y-1 border-b border-slate-200 p-6 text-sm">
        {facts.map(([k, v]) => (
          <div key={k} className="contents">
            <dt className="text-slate-500">{k}</dt>
            <dd className="break-words text-slate-900">{v}</dd>
          </div>
        ))}
      </dl>
      <div className="border-b border-slate-200 p-6">
        <h2 className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">Text</h2>
        <pre className="whitespace-pre-wrap break-words font-sans text-sm text-slate-800" data-testid="mail-text">
          <Linkified text={m.text} />
        </pre>
      </div>
      {m.html && (
        <div className="p-6">
          <h2 className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">HTML</h2>
          {/* No scripts, no same-origin access: the message is shown, never run. */}
          <iframe title="HTML part" sandbox="" srcDoc={m.html} className="h-[28rem] w-full rounded-md ring-1 ring-slate-200" />
        </div>
      )}
    </DevMailFrame>
  );
}

/** Plain text with http(s) URLs as links (React escapes everything else). */
function Linkified({ text }: { text: string }) {
  const parts = text.split(/(https?:\/\/[^\s<>"]+)/g);
  return (
    <>
      {parts.map((p, i) =>
        /^https?:\/\//.test(p) ? (
          <a key={i} href={p} className="font-medium text-brand-600 underline hover:text-brand-700">
            {p}
          </a>
        ) : (
          p
        ),
      )}
    </>
  );
}
