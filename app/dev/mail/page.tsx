import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Badge } from "@/components/ui/badge";
import { env } from "@/lib/env";
import { devMailEnabled, listDevMail } from "@/lib/services/dev-mail";
import { getReadyDb } from "@/server/bootstrap";
import { DevMailFrame, STATUS_LABELS } from "./frame";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Captured email", referrer: "no-referrer" };

/** Every email Gatehouse queued, newest first (development only). */
export default async function DevMailPage() {
  if (!devMailEnabled()) notFound();
  const mail = await listDevMail(await getReadyDb());
  const e = env();
  return (
    <DevMailFrame
      title="Mail"
      description={
        <>
          {e.smtpUrl
            ? "Email is sent through SMTP_URL; this is a copy of everything queued."
            : "No SMTP_URL is set, so email is captured here instead of being sent. Set SMTP_URL and EMAIL_FROM to send it."}{" "}
          <Link href="/dev/mail" className="font-medium text-brand-600 hover:text-brand-700">
            Refresh
          </Link>
        </>
      }
    >
      {mail.length === 0 ? (
        <p className="p-6 text-sm text-slate-600">
          No email yet. Invite someone in Settings → Members, or use “Forgot password?” on the{" "}
          <Link href="/login" className="font-medium text-brand-600 hover:text-brand-700">
            sign-in page
          </Link>
          ; the message appears here within a few seconds.
        </p>
      ) : (
        <table className="w-full table-fixed text-left text-sm">
          <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th className="w-1/3 px-4 py-2 font-medium">To</th>
              <th className="px-4 py-2 font-medium">Subject</th>
              <th className="w-40 px-4 py-2 font-medium">Status</th>
              <th className="w-48 px-4 py-2 font-medium">Queued (UTC)</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {mail.map((m) => (
              <tr key={m.id}>
                <td className="truncate px-4 py-2 text-slate-700" title={m.to}>
                  {m.to}
                </td>
                <td className="truncate px-4 py-2">
                  {m.kind === "password_reset_request" ? (
                    <span className="text-slate-500">Password reset request (being prepared…)</span>
                  ) : (
                    <Link href={`/dev/mail/${m.id}`} className="font-medium text-brand-600 hover:text-brand-700">
                      {m.subject}
                    </Link>
                  )}
                </td>
                <td className="px-4 py-2">
                  <Badge
                    tone={m.status === "failed" ? "red" : m.status === "pending" ? "yellow" : m.status === "dropped" ? "gray" : "green"}
                  >
                    {STATUS_LABELS[m.status] ?? m.status}
                  </Badge>
                </td>
                <td className="whitespace-nowrap px-4 py-2 text-slate-500">{m.createdAt.toISOString().replace("T", " ").slice(0, 19)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </DevMailFrame>
  );
}
