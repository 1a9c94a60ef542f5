import Link from "next/link";
import { formatDateTime } from "@/components/sso/format";

export type SetupLinkCompletionView = {
  id: string;
  name: string;
  completedAt: string;
  connections: { id: string; name: string; active: boolean; approved: boolean }[];
};

/** Owners see when an IT admin finished through a setup link, and what is left for them: approve and activate. */
export function SetupLinkCompletedBanner({ workspace, items }: { workspace: string; items: SetupLinkCompletionView[] }) {
  if (!items.length) return null;
  return (
    <div className="mb-6 space-y-3">
      {items.map((i) => {
        const pending = i.connections.filter((c) => !c.approved || !c.active);
        return (
          <div key={i.id} role="status" className="rounded-lg border border-emerald-200 bg-emerald-50 px-4 py-3 text-sm text-emerald-950">
            <p className="font-semibold">
              Setup link “{i.name}” completed: the IT admin&apos;s test sign-in succeeded ({formatDateTime(i.completedAt)}).
            </p>
            {pending.length > 0 ? (
              <p className="mt-1">
                Review, approve and activate what they set up:{" "}
                {pending.map((c, n) => (
                  <span key={c.id}>
                    {n > 0 && ", "}
                    <Link href={`/w/${workspace}/settings/sso/${c.id}`} className="font-medium text-brand-700 underline">
                      {c.name}
                    </Link>{" "}
                    ({[!c.approved && "trust not approved", !c.active && "inactive"].filter(Boolean).join(", ")})
                  </span>
                ))}
                . Until an owner approves it, nobody with an owner or admin role can sign in through it.
              </p>
            ) : (
              <p className="mt-1">Everything it set up is approved and active.</p>
            )}
          </div>
        );
      })}
    </div>
  );
}
