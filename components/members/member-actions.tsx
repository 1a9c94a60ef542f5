"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, useTransition } from "react";
import {
  changeMemberRoleAction,
  removeMemberAction,
  setMemberDisabledAction,
} from "@/app/(console)/w/[workspace]/settings/members/actions";
import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/input";
import type { Role } from "@/lib/auth/roles";
import type { ActionResult, MemberView } from "./types";

/** Role select, disable/enable and remove for one member (only rendered for callers allowed to manage them). */
export function MemberActions({ workspace, member, roles }: { workspace: string; member: MemberView; roles: Role[] }) {
  const router = useRouter();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [pending, startTransition] = useTransition();
  const [busy, setBusy] = useState<"role" | "disable" | "remove" | null>(null);
  const [error, setError] = useState<string | null>(null);
  const label = member.name ?? member.email;

  function act(kind: "role" | "disable" | "remove", fn: () => Promise<ActionResult>) {
    setError(null);
    setBusy(kind);
    startTransition(async () => {
      const r = await fn();
      setBusy(null);
      if (!r.ok) {
        setError(`${r.message} ${r.hint}`);
        return;
      }
      dialogRef.current?.close();
      router.refresh();
    });
  }

  return (
    <div className="flex min-w-[16.5rem] flex-wrap items-center justify-end gap-2">
      <Select
        id={`role-${member.id}`}
        aria-label={`Role of ${label}`}
        className="w-28 py-1.5 text-xs"
        value={member.role}
        disabled={pending}
        aria-busy={busy === "role" || undefined}
        onChange={(e) => act("role", () => changeMemberRoleAction(workspace, member.id, e.target.value as Role))}
      >
        {(roles.includes(member.role) ? roles : [member.role, ...roles]).map((r) => (
          <option key={r} value={r}>
            {r[0]!.toUpperCase() + r.slice(1)}
          </option>
        ))}
      </Select>
      <Button
        type="button"
        size="sm"
        variant="secondary"
        pending={busy === "disable"}
        disabled={pending}
        aria-label={`${member.disabled ? "Enable" : "Disable"} ${label}`}
        onClick={() => act("disable", () => setMemberDisabledAction(workspace, member.id, !member.disabled))}
      >
        {member.disabled ? "Enable" : "Disable"}
      </Button>
      <Button
        type="button"
        size="sm"
        variant="secondary"
        disabled={pending}
        aria-label={`Remove ${label}`}
        onClick={() => dialogRef.current?.showModal()}
      >
        Remove
      </Button>
      {error && (
        <p role="alert" className="basis-full text-right text-xs text-red-600">
          {error}
        </p>
      )}
      <dialog
        ref={dialogRef}
        aria-labelledby={`remove-${member.id}-title`}
        className="w-full max-w-md rounded-lg p-0 text-left shadow-xl backdrop:bg-slate-900/40"
      >
        <div className="space-y-4 p-6">
          <h2 id={`remove-${member.id}-title`} className="text-lg font-semibold text-slate-900">
            Remove {label}?
          </h2>
          <p className="text-sm text-slate-600">
            {member.email} loses access to this workspace on their very next request, including any open browser session. If their IdP still
            lets them sign in with just-in-time provisioning on, they would be provisioned again: unassign them in the IdP too.
          </p>
          {error && (
            <p role="alert" className="text-sm text-red-600">
              {error}
            </p>
          )}
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => dialogRef.current?.close()} disabled={pending} autoFocus>
              Cancel
            </Button>
            <Button
              type="button"
              variant="danger"
              pending={busy === "remove"}
              onClick={() => act("remove", () => removeMemberAction(workspace, member.id))}
            >
              {busy === "remove" ? "Removing…" : "Remove member"}
            </Button>
          </div>
        </div>
      </dialog>
    </div>
  );
}
