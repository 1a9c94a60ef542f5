"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { rotateSpKeyAction } from "@/app/(console)/w/[workspace]/settings/sso/[connectionId]/actions";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { toast } from "@/components/ui/toast";
import type { SpKeyAction } from "@/lib/schemas/connections";
import { formatDate } from "./format";

export type SpKeyView = {
  id: string;
  state: "next" | "active" | "retired";
  notAfter: string;
  createdAt: string;
  activatedAt: string | null;
  retiredAt: string | null;
};
type Step = SpKeyAction;

const STEPS: { step: Step; title: string; means: string }[] = [
  {
    step: "stage",
    title: "1. Stage a new key",
    means:
      "Creates a new key and publishes its certificate in the SP metadata beside the current one. Sign-ins are unaffected. IdPs that read our metadata URL pick it up; if you uploaded our certificate to the IdP, upload the new one (keep the old) now.",
  },
  {
    step: "activate",
    title: "2. Activate it",
    means:
      "Gatehouse signs sign-in requests with the new key from now on. The old certificate stays in the metadata for a grace period. Do this once the IdP has the new certificate.",
  },
  {
    step: "retire",
    title: "3. Retire the old key",
    means:
      "Removes the old certificate from the metadata. Do this after the IdP has dropped it; remove it from the IdP too if you uploaded it.",
  },
];

/** SP key rotation without an outage: stage → activate → retire, with what each step means for the IdP. */
export function SpKeyRotation({
  workspace,
  connectionId,
  keys,
  certificateUrl,
}: {
  workspace: string;
  connectionId: string;
  keys: SpKeyView[];
  certificateUrl: string;
}) {
  const router = useRouter();
  const [running, setRunning] = useState<Step | null>(null);
  const [, startTransition] = useTransition();
  const next = keys.find((k) => k.state === "next");
  const inGrace = keys.some((k) => k.state === "retired" && !k.retiredAt);
  const enabled: Record<Step, boolean> = { stage: !next, activate: Boolean(next), retire: inGrace };
  const visible = keys.filter((k) => k.state !== "retired" || !k.retiredAt);

  function run(step: Step) {
    setRunning(step);
    startTransition(async () => {
      const r = await rotateSpKeyAction(workspace, connectionId, step);
      setRunning(null);
      if (!r.ok) {
        toast.error(r.message, r.hint);
        return;
      }
      toast.success(
        step === "stage" ? "New key staged and published in the metadata" : step === "activate" ? "New key activated" : "Old key retired",
      );
      router.refresh();
    });
  }

  return (
    <div className="space-y-5">
      <ul className="divide-y divide-slate-100 rounded-md ring-1 ring-slate-200">
        {visible.map((k) => (
          <li key={k.id} className="flex flex-wrap items-center gap-3 px-4 py-2.5 text-sm">
            <Badge tone={k.state === "active" ? "green" : k.state === "next" ? "blue" : "gray"}>
              {k.state === "active" ? "Active: signs requests" : k.state === "next" ? "Staged: published" : "Previous: grace period"}
            </Badge>
            <span className="text-slate-600">created {formatDate(k.createdAt)}</span>
            <span className="text-slate-600">expires {formatDate(k.notAfter)}</span>
            {k.state !== "retired" && (
              <a
                className="ml-auto text-xs font-medium text-brand-700 underline"
                href={k.state === "next" ? `${certificateUrl}?key=next` : certificateUrl}
                download
              >
                Download certificate
              </a>
            )}
          </li>
        ))}
      </ul>
      <ol className="grid gap-3 lg:grid-cols-3">
        {STEPS.map((s) => (
          <li key={s.step} className="flex flex-col justify-between gap-3 rounded-md border border-slate-200 p-4">
            <div>
              <h3 className="text-sm font-semibold text-slate-900">{s.title}</h3>
              <p className="mt-1 text-xs text-slate-600">{s.means}</p>
            </div>
            <Button
              type="button"
              variant="secondary"
              size="sm"
              disabled={!enabled[s.step] || running !== null}
              pending={running === s.step}
              onClick={() => run(s.step)}
              className="self-start"
            >
              {s.step === "stage" ? "Stage new key" : s.step === "activate" ? "Activate new key" : "Retire old key"}
            </Button>
          </li>
        ))}
      </ol>
    </div>
  );
}
