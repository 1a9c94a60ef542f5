"use client";

import { useRouter } from "next/navigation";
import { useMemo, useRef, useState } from "react";
import { clearIpAllowlistAction, setIpAllowlistAction } from "@/app/(console)/w/[workspace]/settings/security/actions";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { CopyField } from "@/components/ui/copy-field";
import { Field, Input, Textarea } from "@/components/ui/input";
import { toast } from "@/components/ui/toast";
import { addressInRanges, parseCidr } from "@/lib/net/cidr";
import { ipRangesSchema } from "@/lib/schemas/ip-allowlist";
import type { IpAllowlistView } from "./types";

/** One range per line (commas also separate); blank lines are ignored. */
function entriesOf(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((e) => e.trim())
    .filter(Boolean);
}

/** Per-entry messages from the same schema the server applies (each names its entry). */
function entryErrors(entries: string[]): string[] {
  if (!entries.length) return [];
  const r = ipRangesSchema.safeParse(entries);
  return r.success ? [] : r.error.issues.map((i) => i.message);
}

/**
 * Owners only: the sign-in IP allowlist. Inline validation per entry, the address the owner is using
 * now (with "add my address"), the break-glass exemption toggle, and a typed confirmation when the
 * list would lock the owner out (the server decides that, and refuses without it).
 */
export function IpAllowlistCard({
  slug,
  initial,
  currentAddress,
  currentAllowed,
  breakGlassOwners,
}: {
  slug: string;
  initial: IpAllowlistView;
  currentAddress: string | null;
  currentAllowed: boolean;
  breakGlassOwners: string[];
}) {
  const router = useRouter();
  const [saved, setSaved] = useState(initial);
  const [text, setText] = useState(initial.ranges.join("\n"));
  const [exempt, setExempt] = useState(initial.exemptBreakGlassOwners);
  const [touched, setTouched] = useState(false);
  const [serverErrors, setServerErrors] = useState<string[]>([]);
  const [pending, setPending] = useState(false);
  const [confirmText, setConfirmText] = useState("");
  const [confirmError, setConfirmError] = useState<string | null>(null);
  const dialogRef = useRef<HTMLDialogElement>(null);

  const entries = useMemo(() => entriesOf(text), [text]);
  const errors = touched ? entryErrors(entries) : [];
  const shown = errors.length ? errors : serverErrors;
  const validRanges = entries.map((e) => parseCidr(e)).flatMap((r) => (r.ok ? [r.range.text] : []));
  const coversMe = currentAddress !== null && addressInRanges(currentAddress, validRanges);
  const enabled = saved.ranges.length > 0;
  const unchanged = text.trim() === saved.ranges.join("\n") && exempt === saved.exemptBreakGlassOwners;

  function addMyAddress() {
    if (!currentAddress) return;
    const mine = `${currentAddress}/${currentAddress.includes(":") ? 128 : 32}`;
    setText((t) => (t.trim() ? `${t.trim()}\n${mine}` : mine));
    setTouched(true);
  }

  async function save(confirmLockout?: string) {
    setTouched(true);
    if (entryErrors(entries).length) return;
    if (!entries.length) {
      setServerErrors(["Enter at least one range, or use “Clear allowlist” to allow every address."]);
      return;
    }
    setPending(true);
    const r = await setIpAllowlistAction(slug, { ranges: entries, exemptBreakGlassOwners: exempt, confirmLockout });
    setPending(false);
    if (r.ok) {
      dialogRef.current?.close();
      setSaved(r);
      setText(r.ranges.join("\n"));
      setServerErrors([]);
      toast.success("IP allowlist saved", `${r.ranges.length} range${r.ranges.length === 1 ? "" : "s"} allowed.`);
      router.refresh();
      return;
    }
    if (r.code === "IP_ALLOWLIST_CONFIRMATION_REQUIRED") {
      setConfirmText("");
      setConfirmError(null);
      dialogRef.current?.showModal();
      return;
    }
    if (r.fields?.confirmLockout) {
      setConfirmError(r.fields.confirmLockout);
      return;
    }
    const fieldMessages = Object.entries(r.fields ?? {})
      .filter(([k]) => k.startsWith("ranges"))
      .map(([, v]) => v);
    if (fieldMessages.length) setServerErrors(fieldMessages);
    else toast.error(r.message, r.hint);
  }

  async function clear() {
    setPending(true);
    const r = await clearIpAllowlistAction(slug);
    setPending(false);
    if (r.ok) {
      setSaved(r);
      setText("");
      setExempt(false);
      setTouched(false);
      setServerErrors([]);
      toast.success("IP allowlist cleared", "Members can sign in from any network again.");
      router.refresh();
    } else toast.error(r.message, r.hint);
  }

  return (
    <Card>
      <CardHeader
        title="Sign-in IP allowlist"
        description="When set, sign-ins to this workspace (SSO, password, apps using Gatehouse's OpenID Connect), console sessions and workspace API keys are refused from addresses outside these ranges (IP_NOT_ALLOWED). Other workspaces of the same people are not affected."
        actions={
          <Badge tone={enabled ? "blue" : "gray"}>
            {enabled ? `On · ${saved.ranges.length} range${saved.ranges.length === 1 ? "" : "s"}` : "Off"}
          </Badge>
        }
      />
      <div className="space-y-5 px-5 py-4">
        {!enabled && (
          <p
            className="rounded-md bg-slate-50 px-3 py-2 text-sm text-slate-600 ring-1 ring-inset ring-slate-200"
            data-testid="ip-allowlist-empty"
          >
            No allowlist: members can sign in from any network. Add your office and VPN ranges below to restrict where this workspace can be
            used from.
          </p>
        )}

        <div className="space-y-2">
          <CopyField
            label="Your current address"
            id="ip-current-address"
            value={currentAddress ?? "unknown"}
            caption={
              currentAddress
                ? enabled && !currentAllowed
                  ? "Outside the saved list (you are exempt as a break-glass owner)."
                  : "This is the address Gatehouse sees for you now (behind TRUST_PROXY: the one your proxy reports)."
                : "Gatehouse cannot see your address: any list would lock you out."
            }
          />
          <Button type="button" variant="secondary" size="sm" onClick={addMyAddress} disabled={!currentAddress || coversMe}>
            {coversMe ? "Your address is covered" : "Add my address"}
          </Button>
        </div>

        <Field
          id="ip-ranges"
          label="Allowed ranges"
          hint="One IPv4 or IPv6 range per line in CIDR notation, e.g. 203.0.113.0/24 or 2001:db8::/32. A single address is /32 (IPv4) or /128 (IPv6)."
        >
          <Textarea
            id="ip-ranges"
            rows={Math.min(10, Math.max(3, entries.length + 1))}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setServerErrors([]);
            }}
            onBlur={() => setTouched(true)}
            invalid={shown.length > 0}
            aria-describedby={shown.length ? "ip-ranges-errors" : "ip-ranges-hint"}
            spellCheck={false}
            className="font-mono text-sm"
            placeholder={"203.0.113.0/24\n2001:db8::/32"}
          />
        </Field>
        {shown.length > 0 && (
          <div id="ip-ranges-errors" role="alert" className="-mt-3">
            <ul className="list-disc space-y-1 pl-5 text-sm text-red-600">
              {shown.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          </div>
        )}
        {entries.length > 0 && !errors.length && currentAddress && !coversMe && (
          <p className="text-sm text-amber-800" data-testid="ip-lockout-warning">
            These ranges do not include your current address ({currentAddress}). Saving them will ask you to confirm that you lock yourself
            out{exempt && breakGlassOwners.length ? " unless you are a break-glass owner" : ""}.
          </p>
        )}

        <label className="flex items-start gap-3 text-sm">
          <input
            type="checkbox"
            className="mt-1"
            checked={exempt}
            onChange={(e) => setExempt(e.target.checked)}
            aria-describedby="ip-exempt-hint"
          />
          <span>
            <span className="block font-medium text-slate-900">Exempt break-glass owners</span>
            <span id="ip-exempt-hint" className="block text-xs text-slate-600">
              Owners marked break-glass (Domains → Break-glass access) may sign in from anywhere, for when your network or VPN is down.{" "}
              {breakGlassOwners.length
                ? `Break-glass owners now: ${breakGlassOwners.join(", ")}.`
                : "No owner is marked break-glass yet, so this changes nothing until one is."}
            </span>
          </span>
        </label>

        <div className="flex flex-wrap gap-2">
          <Button type="button" onClick={() => void save()} pending={pending} disabled={unchanged && !touched}>
            Save allowlist
          </Button>
          {enabled && (
            <Button type="button" variant="secondary" onClick={() => void clear()} disabled={pending}>
              Clear allowlist
            </Button>
          )}
        </div>
        {saved.updatedAt && (
          <p className="text-xs text-slate-500">Last changed {saved.updatedAt.slice(0, 16).replace("T", " ")} UTC (see the audit log).</p>
        )}
      </div>

      <dialog
        ref={dialogRef}
        aria-labelledby="ip-lockout-title"
        aria-describedby="ip-lockout-desc"
        className="w-full max-w-md rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40"
      >
        <form
          className="space-y-4 p-6"
          onSubmit={(e) => {
            e.preventDefault();
            void save(confirmText);
          }}
        >
          <h2 id="ip-lockout-title" className="text-lg font-semibold text-slate-900">
            Lock yourself out of this workspace?
          </h2>
          <p id="ip-lockout-desc" className="text-sm text-slate-600">
            Your current address <span className="font-mono">{currentAddress ?? "unknown"}</span> is not in these ranges. As soon as you
            save, your session here stops working and you can only get back in from an allowed network, through a break-glass exemption, or
            by asking the operator of this Gatehouse to clear the list.
          </p>
          <Field id="ip-lockout-confirm" label={`Type the workspace slug “${slug}” to confirm`} error={confirmError ?? undefined}>
            <Input
              id="ip-lockout-confirm"
              value={confirmText}
              onChange={(e) => {
                setConfirmText(e.target.value);
                setConfirmError(null);
              }}
              autoComplete="off"
              spellCheck={false}
              autoFocus
            />
          </Field>
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => dialogRef.current?.close()} disabled={pending}>
              Cancel
            </Button>
            <Button type="submit" variant="danger" pending={pending} disabled={confirmText.trim() !== slug}>
              Save and lock me out
            </Button>
          </div>
        </form>
      </dialog>
    </Card>
  );
}
