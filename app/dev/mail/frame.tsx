/** The dev mailbox's page frame: clearly marked as a development tool. */
export function DevMailFrame({ title, description, children }: { title: string; description: React.ReactNode; children: React.ReactNode }) {
  return (
    <main className="mx-auto max-w-4xl px-4 py-12">
      <p className="text-xs font-semibold uppercase tracking-wide text-amber-700">Captured email · development only</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight text-slate-900">{title}</h1>
      <div className="mt-1 text-sm text-slate-600">{description}</div>
      <section className="mt-6 rounded-lg bg-white shadow-sm ring-1 ring-slate-200">{children}</section>
    </main>
  );
}

export const STATUS_LABELS: Record<string, string> = {
  pending: "Queued",
  captured: "Captured",
  sent: "Sent by SMTP",
  failed: "Failed",
  dropped: "Not sent: no account",
};
