"use client";

import { useState } from "react";
import { removeDomainAction, routeDomainAction, verifyDomainAction } from "@/app/(console)/w/[workspace]/settings/domains/actions";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { CopyField } from "@/components/ui/copy-field";
import { Select } from "@/components/ui/input";
import { toast } from "@/components/ui/toast";
import { describeError, isErrorCode } from "@/lib/errors";
import type { ConnectionOption, DomainActions, DomainItem } from "./types";

const STATUS: Record<DomainItem["status"], { tone: "yellow" | "green" | "red"; label: string }> = {
  pending: { tone: "yellow", label: "Pending verification" },
  verified: { tone: "green", label: "Verified" },
  failing: { tone: "red", label: "Failing" },
};

/** Name and slug: two connections may share a name, never a slug. */
export function connectionLabel(c: { name: string; slug: string }): string {
  return `${c.name} (${c.slug})`;
}

function formatTime(iso: string | null): string {
  return iso ? `${iso.slice(0, 16).replace("T", " ")} UTC` : "never";
}

/** The precise reason of the last failed check, in words, with what to do. */
export function checkErrorText(code: string | null): { message: string; hint: string } | null {
  if (!code) return null;
  if (!isErrorCode(code)) return { message: code, hint: "" };
  const d = describeError(code);
  return { message: d.message, hint: d.hint };
}

type Props = {
  slug: string;
  domain: DomainItem;
  connections: ConnectionOption[];
  canManage: boolean;
  /** Re-read the list after a change (the server decides the new status). */
  onChanged: () => Promise<unknown>;
  /** The setup-link page's actions; the console's by default. */
  actions?: Pick<DomainActions, "verify" | "route" | "remove">;
  /** Off on the setup-link page. */
  mayRouteAndRemove?: boolean;
};

const consoleRowActions = { verify: verifyDomainAction, route: routeDomainAction, remove: removeDomainAction };

export function DomainRow({
  slug,
  domain: d,
  connections,
  canManage,
  onChanged,
  actions = consoleRowActions,
  mayRouteAndRemove = true,
}: Props) {
  const [verifying, setVerifying] = useState(false);
  const [routing, setRouting] = useState(false);
  const [removing, setRemoving] = useState(false);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const [showRecord, setShowRecord] = useState(d.status !== "verified");
  const status = STATUS[d.status];
  const reason = checkErrorText(d.lastCheckError);
  const routedTo = connections.find((c) => c.id === d.connectionId);
  // The choice waits for "Save routing"; a save (here, elsewhere or by the API) moves the saved value and the draft follows it.
  const savedRoute = d.connectionId ?? "";
  const [draft, setDraft] = useState({ base: savedRoute, value: savedRoute });
  const draftRoute = draft.base === savedRoute ? draft.value : savedRoute;
  const setDraftRoute = (value: string) => setDraft({ base: savedRoute, value });
  const routeChanged = draftRoute !== savedRoute;
  const readyCount = connections.filter((c) => c.ready).length;

  async function verify() {
    setVerifying(true);
    const r = await actions.verify(slug, d.id);
    await onChanged();
    setVerifying(false);
    if (r.ok)
      toast.success(`${d.domain} is verified`, routedTo ? undefined : "Now route it to a connection so its users are sent to their IdP.");
    else toast.error(`Not verified: ${r.message}`, r.hint);
  }

  async function route(connectionId: string) {
    setRouting(true);
    const r = await actions.route(slug, d.id, connectionId || null);
    if (r.ok) await onChanged();
    setRouting(false);
    if (r.ok) {
      const c = connections.find((x) => x.id === connectionId);
      toast.success(c ? `${d.domain} now signs in with ${connectionLabel(c)}` : `${d.domain} is no longer routed`);
    } else toast.error(r.message, r.hint);
  }

  async function remove() {
    setRemoving(true);
    const r = await actions.remove(slug, d.id);
    setRemoving(false);
    if (r.ok) {
      await onChanged();
      toast.success(`Removed ${d.domain}`);
    } else toast.error(r.message, r.hint);
  }

  return (
    <li className="space-y-3 px-5 py-4" aria-label={d.domain} data-testid="domain-row">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
            <span className="min-w-0 font-mono text-sm font-semibold text-slate-900 [overflow-wrap:anywhere]">{d.domain}</span>
            <Badge tone={status.tone}>{status.label}</Badge>
            {d.demoSeed && (
              <span title="Seeded by development mode: verified without DNS and never re-checked. Never created in production.">
                <Badge tone="gray">Demo seed (development)</Badge>
              </span>
            )}
          </div>
          <p className="mt-0.5 text-xs text-slate-500">
            Last checked {formatTime(d.lastCheckedAt)}
            {d.verifiedAt ? ` · verified ${formatTime(d.verifiedAt)}` : ""}
          </p>
        </div>
        {canManage && (
          <div className="flex items-center gap-2">
            {d.status === "verified" && (
              <Button type="button" variant="ghost" size="sm" onClick={() => setShowRecord((v) => !v)} aria-expanded={showRecord}>
                {showRecord ? "Hide record" : "Show record"}
              </Button>
            )}
            <Button
              type="button"
              variant={d.status === "verified" ? "secondary" : "primary"}
              size="sm"
              onClick={verify}
              pending={verifying}
              aria-label={`Verify ${d.domain}`}
            >
              {d.status === "verified" ? "Check again" : "Verify"}
            </Button>
            {!mayRouteAndRemove ? null : confirmRemove ? (
              <span className="flex items-center gap-1" role="group" aria-label={`Confirm removing ${d.domain}`}>
                <Button type="button" variant="danger" size="sm" onClick={remove} pending={removing}>
                  Confirm remove
                </Button>
                <Button type="button" variant="ghost" size="sm" onClick={() => setConfirmRemove(false)}>
                  Cancel
                </Button>
              </span>
            ) : (
              <Button type="button" variant="ghost" size="sm" onClick={() => setConfirmRemove(true)} aria-label={`Remove ${d.domain}`}>
                Remove
              </Button>
            )}
          </div>
        )}
      </div>

      {d.status === "failing" && (
        <p role="status" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-inset ring-red-200">
          The TXT record is gone or changed. Sign-ins for {d.domain} are no longer sent to SSO, and its addresses are not enforced, until
          the record is back. The domain stays yours meanwhile.
        </p>
      )}
      {reason && (
        <div
          role="status"
          className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-inset ring-amber-200"
          data-testid="domain-error"
        >
          <span className="font-mono text-xs">{d.lastCheckError}</span> — {reason.message} {reason.hint}
        </div>
      )}

      {showRecord && (
        <div className="grid gap-3 rounded-md bg-slate-50/60 p-3 ring-1 ring-inset ring-slate-200">
          <p className="text-xs text-slate-600">
            Create this <strong>TXT</strong> record at your DNS provider. It can stay in place: Gatehouse re-checks verified domains
            regularly.
          </p>
          <CopyField label="TXT record name" id={`txt-name-${d.id}`} value={d.recordName} />
          <CopyField label="TXT record value" id={`txt-value-${d.id}`} value={d.recordValue} />
        </div>
      )}

      {d.status !== "pending" && mayRouteAndRemove && (
        <form
          className="flex flex-wrap items-center gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            void route(draftRoute);
          }}
        >
          <label htmlFor={`route-${d.id}`} className="text-sm font-medium text-slate-800">
            Sign in with
          </label>
          <div className="w-full max-w-xs">
            <Select
              id={`route-${d.id}`}
              value={draftRoute}
              disabled={!canManage || routing}
              onChange={(e) => setDraftRoute(e.target.value)}
              aria-describedby={`route-${d.id}-hint`}
            >
              <option value="">Not routed (password sign-in)</option>
              {connections.map((c) => (
                // Only connections that can sign people in may be chosen; the others say why not.
                <option key={c.id} value={c.id} disabled={!c.ready && c.id !== d.connectionId}>
                  {connectionLabel(c)}
                  {c.ready ? "" : c.active ? " — needs IdP metadata" : " — turned off"}
                </option>
              ))}
            </Select>
          </div>
          {canManage && routeChanged && (
            <span className="flex items-center gap-2">
              <Button type="submit" size="sm" pending={routing}>
                Save routing
              </Button>
              <Button type="button" size="sm" variant="ghost" onClick={() => setDraftRoute(d.connectionId ?? "")}>
                Cancel
              </Button>
            </span>
          )}
          <span id={`route-${d.id}-hint`} className="basis-full text-xs text-slate-500">
            {routedTo
              ? routedTo.ready
                ? `People with @${d.domain} addresses are sent to ${connectionLabel(routedTo)}.`
                : `${connectionLabel(routedTo)} cannot sign anyone in (${routedTo.active ? "no IdP metadata" : "turned off"}): sign-ins fall back to passwords.`
              : readyCount
                ? "Choose the connection people with these addresses sign in with, then save."
                : "No connection can sign people in yet: finish one in Settings → SSO (IdP metadata, turned on)."}
          </span>
        </form>
      )}
    </li>
  );
}
