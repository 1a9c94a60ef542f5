"use client";

import { useRouter } from "next/navigation";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import {
  previewEnforcementAction,
  setBreakGlassAction,
  setEnforcementAction,
  setOwnersBreakGlassAction,
} from "@/app/(console)/w/[workspace]/settings/domains/actions";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { toast } from "@/components/ui/toast";
import type { EnforcementMode } from "@/lib/schemas/domains";
import type { EnforcementMember, EnforcementPreviewItem, EnforcementState, WarningItem } from "./types";

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

/**
 * Owners only: the enforcement mode with a live preview (who must use SSO, who keeps a password,
 * what could go wrong; re-read whenever the draft or the domains change), owners' break-glass
 * (on by default; turning it off needs the workspace slug typed) and break-glass members.
 */
export function EnforcementCard({ slug, initial, members }: { slug: string; initial: EnforcementState; members: EnforcementMember[] }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<EnforcementMode>(initial.mode);
  const [saved, setSaved] = useState<EnforcementState>(initial);
  const [pending, setPending] = useState(false);
  const [confirming, setConfirming] = useState<WarningItem[] | null>(null);
  const [refusal, setRefusal] = useState<{ message: string; hint: string } | null>(null);

  const preview = useQuery({
    queryKey: ["enforcement-preview", slug, mode, saved.ownersBreakGlass],
    queryFn: async () => {
      const r = await previewEnforcementAction(slug, { mode, ownersBreakGlass: saved.ownersBreakGlass });
      if (!r.ok) throw new Error(r.message);
      return r.preview;
    },
    refetchInterval: 10_000,
  });

  async function save(confirm: boolean) {
    setPending(true);
    setRefusal(null);
    const r = await setEnforcementAction(slug, mode, confirm);
    setPending(false);
    if (r.ok) {
      setSaved((s) => ({ ...s, mode: r.mode, warnings: r.warnings }));
      setConfirming(null);
      toast.success(r.mode === "off" ? "SSO enforcement is off" : "SSO enforcement saved");
      void queryClient.invalidateQueries({ queryKey: ["enforcement-preview", slug] });
      router.refresh();
    } else if (r.code === "ENFORCEMENT_CONFIRMATION_REQUIRED") {
      setConfirming(r.warnings ?? []);
    } else if (r.code === "ENFORCEMENT_LOCKS_YOU_OUT") {
      setConfirming(null);
      setRefusal({ message: r.message, hint: r.hint });
    } else toast.error(r.message, r.hint);
  }

  return (
    <Card>
      <CardHeader
        title="SSO enforcement"
        description="Who must sign in with SSO. Only people whose domain is verified and routed to a working connection are enforced; they are sent to their IdP instead of a password form."
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
                    setRefusal(null);
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

        <EnforcementPreviewPanel preview={preview.data ?? null} loading={preview.isFetching} changed={mode !== saved.mode} />

        {refusal && (
          <div
            role="alert"
            className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-inset ring-red-200"
            data-testid="enforcement-refusal"
          >
            <p className="font-semibold">Not saved: {refusal.message}</p>
            <p className="mt-1">{refusal.hint}</p>
          </div>
        )}

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

        <OwnersBreakGlass
          slug={slug}
          value={saved.ownersBreakGlass}
          onChanged={(v) => {
            setSaved((s) => ({ ...s, ownersBreakGlass: v }));
            void queryClient.invalidateQueries({ queryKey: ["enforcement-preview", slug] });
          }}
        />
        <BreakGlassList
          slug={slug}
          members={members}
          ownersBreakGlass={saved.ownersBreakGlass}
          onChanged={() => void queryClient.invalidateQueries({ queryKey: ["enforcement-preview", slug] })}
        />
      </div>
    </Card>
  );
}

/** "If you save this": who must use SSO and who keeps a password (count and first names), and the warnings. */
function EnforcementPreviewPanel({
  preview,
  loading,
  changed,
}: {
  preview: EnforcementPreviewItem | null;
  loading: boolean;
  changed: boolean;
}) {
  if (!preview) return <p className="text-xs text-slate-500">Working out who this affects…</p>;
  const more = (n: number, shown: number) => (n > shown ? ` and ${n - shown} more` : "");
  return (
    <section
      aria-label="Enforcement preview"
      aria-busy={loading || undefined}
      className="space-y-3 rounded-md bg-slate-50 p-3 ring-1 ring-inset ring-slate-200"
      data-testid="enforcement-preview"
    >
      <p className="text-xs font-medium uppercase tracking-wide text-slate-500">{changed ? "If you save this" : "In effect now"}</p>
      {preview.mode === "off" ? (
        <p className="text-sm text-slate-700">Nobody is required to use SSO: everyone may sign in with a password.</p>
      ) : (
        <div className="grid gap-3 text-sm sm:grid-cols-2">
          <div data-testid="preview-must-use-sso">
            <p className="font-medium text-slate-900">
              {preview.mustUseSso.count} {preview.mustUseSso.count === 1 ? "member must" : "members must"} sign in with SSO
            </p>
            {preview.mustUseSso.count > 0 && (
              <p className="text-slate-600 [overflow-wrap:anywhere]">
                {preview.mustUseSso.names.join(", ")}
                {more(preview.mustUseSso.count, preview.mustUseSso.names.length)}
              </p>
            )}
          </div>
          <div data-testid="preview-keep-password">
            <p className="font-medium text-slate-900">
              {preview.keepPassword.count} {preview.keepPassword.count === 1 ? "member keeps" : "members keep"} password access
            </p>
            {preview.keepPassword.count > 0 && (
              <ul className="text-slate-600">
                {preview.keepPassword.names.map((n, i) => (
                  <li key={`${n}-${i}`} className="[overflow-wrap:anywhere]">
                    {n} <span className="text-xs text-slate-500">({preview.keepPassword.reasons[i]})</span>
                  </li>
                ))}
                {preview.keepPassword.count > preview.keepPassword.names.length && (
                  <li className="text-xs text-slate-500">and {preview.keepPassword.count - preview.keepPassword.names.length} more</li>
                )}
              </ul>
            )}
          </div>
        </div>
      )}
      {preview.warnings.length > 0 && <WarningList warnings={preview.warnings} />}
    </section>
  );
}

/** Owners keep password access unless an owner explicitly removes it, typing the workspace slug. */
function OwnersBreakGlass({ slug, value, onChanged }: { slug: string; value: boolean; onChanged: (v: boolean) => void }) {
  const [confirming, setConfirming] = useState(false);
  const [typed, setTyped] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function apply(next: boolean) {
    setBusy(true);
    setError(null);
    const r = await setOwnersBreakGlassAction(slug, { ownersBreakGlass: next, confirmation: next ? undefined : typed });
    setBusy(false);
    if (r.ok) {
      setConfirming(false);
      setTyped("");
      onChanged(r.ownersBreakGlass);
      toast.success(r.ownersBreakGlass ? "Owners keep password access (break-glass)" : "Owners are no longer break-glass");
    } else setError(`${r.fields?.confirmation ?? r.message} ${r.fields?.confirmation ? "" : r.hint}`.trim());
  }

  return (
    <div className="rounded-md p-3 ring-1 ring-inset ring-slate-200">
      <label className="flex items-start gap-3 text-sm">
        <input
          type="checkbox"
          className="mt-1"
          checked={value && !confirming}
          disabled={busy}
          onChange={(e) => (e.target.checked ? void apply(true) : setConfirming(true))}
        />
        <span>
          <span className="block font-medium text-slate-900">Owners are break-glass</span>
          <span className="block text-xs text-slate-600">
            Owners keep password sign-in under enforcement, so a broken IdP never locks the workspace. Recommended.
          </span>
        </span>
      </label>
      {confirming && (
        <div
          className="mt-3 space-y-2 rounded-md bg-amber-50 p-3 ring-1 ring-inset ring-amber-200"
          role="group"
          aria-label="Confirm removing owners' break-glass"
        >
          <p className="text-sm text-amber-900">
            Owners in enforced domains will have to sign in with SSO. If the IdP fails, nobody can reach this workspace with a password.
            Type <span className="font-mono font-semibold">{slug}</span> to confirm.
          </p>
          <label htmlFor="owners-break-glass-confirm" className="sr-only">
            Type the workspace slug to confirm
          </label>
          <Input
            id="owners-break-glass-confirm"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            className="max-w-xs font-mono"
            invalid={!!error}
          />
          {error && (
            <p role="alert" className="text-sm text-red-700">
              {error}
            </p>
          )}
          <div className="flex gap-2">
            <Button
              type="button"
              variant="danger"
              size="sm"
              disabled={typed.trim() !== slug}
              pending={busy}
              onClick={() => void apply(false)}
            >
              Remove owners&apos; break-glass
            </Button>
            <Button
              type="button"
              variant="secondary"
              size="sm"
              onClick={() => {
                setConfirming(false);
                setTyped("");
                setError(null);
              }}
            >
              Cancel
            </Button>
          </div>
        </div>
      )}
      {!confirming && error && (
        <p role="alert" className="mt-2 text-sm text-red-700">
          {error}
        </p>
      )}
    </div>
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

function BreakGlassList({
  slug,
  members,
  ownersBreakGlass,
  onChanged,
}: {
  slug: string;
  members: EnforcementMember[];
  ownersBreakGlass: boolean;
  onChanged: () => void;
}) {
  const [state, setState] = useState(() => Object.fromEntries(members.map((m) => [m.id, m.breakGlass])));
  const [busy, setBusy] = useState<string | null>(null);

  async function toggle(m: EnforcementMember, value: boolean) {
    setBusy(m.id);
    const r = await setBreakGlassAction(slug, m.id, value);
    setBusy(null);
    if (r.ok) {
      setState((s) => ({ ...s, [m.id]: r.breakGlass }));
      onChanged();
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
                checked={!!state[m.id] || (ownersBreakGlass && m.role === "owner")}
                disabled={busy === m.id || (ownersBreakGlass && m.role === "owner")}
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
