"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { setBreakGlassAction, setEnforcementAction } from "@/app/(console)/w/[workspace]/settings/domains/actions";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { toast } from "@/components/ui/toast";
import type { EnforcementMode } from "@/lib/schemas/domains";
import type { EnforcementMember, EnforcementState, WarningItem } from "./types";

const MODES: { value: EnforcementMode; label: string; description: string }[] = [
  { value: "off", label: "Off", description: "Everyone may sign in with a password or SSO." },
  {
    value: "sso_provisioned_users",
    label: "SSO-provisioned members",
    description: "Members who joined through SSO must sign in with SSO.",
  },
  {
    value: "verified_domains",
    label: "Everyone in verified domains",
    description: "Every address in this workspace's verified domains must sign in with SSO.",
  },
];

/** Owners only: the enforcement mode (with lock-out warnings and confirmation) and break-glass members. */
export function EnforcementCard({ slug, initial, members }: { slug: string; initial: EnforcementState; members: EnforcementMember[] }) {
  const router = useRouter();
  const [mode, setMode] = useState<EnforcementMode>(initial.mode);
  const [saved, setSaved] = useState<EnforcementState>(initial);
  const [pending, setPending] = useState(false);
  const [confirming, setConfirming] = useState<WarningItem[] | null>(null);

  async function save(confirm: boolean) {
    setPending(true);
    const r = await setEnforcementAction(slug, mode, confirm);
    setPending(false);
    if (r.ok) {
      setSaved({ mode: r.mode, warnings: r.warnings });
      setConfirming(null);
      toast.success(r.mode === "off" ? "SSO enforcement is off" : "SSO enforcement saved");
      router.refresh();
    } else if (r.code === "ENFORCEMENT_CONFIRMATION_REQUIRED") {
      setConfirming(r.warnings ?? []);
    } else toast.error(r.message, r.hint);
  }

  return (
    <Card>
      <CardHeader
        title="SSO enforcement"
        description="Who must sign in with SSO. Enforced people never see a password form; a password sign-in is refused (SSO_REQUIRED)."
        actions={<Badge tone={saved.mode === "off" ? "gray" : "blue"}>{MODES.find((m) => m.value === saved.mode)?.label}</Badge>}
      />
      <div className="space-y-5 px-5 py-4">
        <fieldset>
          <legend className="sr-only">Enforcement mode</legend>
          <div className="space-y-2">
            {MODES.map((m) => (
              <label
                key={m.value}
                className="flex cursor-pointer items-start gap-3 rounded-md p-2 ring-1 ring-inset ring-slate-200 has-[:checked]:bg-brand-50 has-[:checked]:ring-brand-500"
              >
                <input
                  type="radio"
                  name="enforcement-mode"
                  value={m.value}
                  checked={mode === m.value}
                  onChange={() => {
                    setMode(m.value);
                    setConfirming(null);
                  }}
                  className="mt-1"
                />
                <span>
                  <span className="block text-sm font-medium text-slate-900">{m.label}</span>
                  <span className="block text-xs text-slate-600">{m.description}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>

        {saved.warnings.length > 0 && !confirming && <WarningList title="Current warnings" warnings={saved.warnings} />}

        {confirming ? (
          <div
            className="space-y-3 rounded-md bg-amber-50 p-3 ring-1 ring-inset ring-amber-200"
            role="alertdialog"
            aria-labelledby="enforce-confirm-title"
          >
            <p id="enforce-confirm-title" className="text-sm font-semibold text-amber-900">
              Enforcing this could lock people out
            </p>
            <WarningList warnings={confirming} />
            <div className="flex gap-2">
              <Button type="button" variant="danger" onClick={() => void save(true)} pending={pending}>
                Enforce anyway
              </Button>
              <Button type="button" variant="secondary" onClick={() => setConfirming(null)}>
                Cancel
              </Button>
            </div>
          </div>
        ) : (
          <Button type="button" onClick={() => void save(false)} pending={pending} disabled={mode === saved.mode}>
            Save enforcement
          </Button>
        )}

        <BreakGlassList slug={slug} members={members} />
      </div>
    </Card>
  );
}

function WarningList({ title, warnings }: { title?: string; warnings: WarningItem[] }) {
  return (
    <div>
      {title && <p className="mb-1 text-xs font-medium uppercase tracking-wide text-slate-500">{title}</p>}
      <ul className="space-y-1 text-sm" data-testid="enforcement-warnings">
        {warnings.map((w) => (
          <li key={w.code} className={w.severity === "danger" ? "text-amber-900" : "text-slate-600"}>
            <span className="font-mono text-xs">{w.code}</span> — {w.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

function BreakGlassList({ slug, members }: { slug: string; members: EnforcementMember[] }) {
  const [state, setState] = useState(() => Object.fromEntries(members.map((m) => [m.id, m.breakGlass])));
  const [busy, setBusy] = useState<string | null>(null);

  async function toggle(m: EnforcementMember, value: boolean) {
    setBusy(m.id);
    const r = await setBreakGlassAction(slug, m.id, value);
    setBusy(null);
    if (r.ok) {
      setState((s) => ({ ...s, [m.id]: r.breakGlass }));
      toast.success(r.breakGlass ? `${m.email} is exempt from enforcement (break-glass)` : `${m.email} is no longer exempt`);
    } else toast.error(r.message, r.hint);
  }

  return (
    <div>
      <h3 className="text-sm font-semibold text-slate-900">Break-glass access</h3>
      <p className="mb-2 text-xs text-slate-500">
        Exempt members keep password sign-in (at <span className="font-mono">/login?password=1</span>) when the IdP is down. Keep this to
        one or two owners.
      </p>
      <ul className="divide-y divide-slate-100 rounded-md ring-1 ring-inset ring-slate-200">
        {members.map((m) => (
          <li key={m.id} className="flex items-center justify-between gap-3 px-3 py-2 text-sm">
            <span className="min-w-0">
              <span className="block truncate font-medium text-slate-900">
                {m.email}
                {m.isSelf ? " (you)" : ""}
              </span>
              <span className="text-xs capitalize text-slate-500">
                {m.role} · {m.source === "sso" ? "SSO" : m.source === "scim" ? "SCIM" : "Password"}
              </span>
            </span>
            <label className="flex shrink-0 items-center gap-2 text-xs text-slate-700">
              <input
                type="checkbox"
                checked={!!state[m.id]}
                disabled={busy === m.id}
                onChange={(e) => void toggle(m, e.target.checked)}
                aria-label={`Break-glass for ${m.email}`}
              />
              Break-glass
            </label>
          </li>
        ))}
      </ul>
    </div>
  );
}
