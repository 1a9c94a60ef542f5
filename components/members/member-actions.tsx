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
import { toast } from "@/components/ui/toast";
import type { Role } from "@/lib/auth/roles";
import type { ActionResult, MemberView } from "./types";

const roleName = (r: Role) => r[0]!.toUpperCase() + r.slice(1);

/** What each role can do, for the confirmation of a role change. */
const ROLE_POWERS: Record<Role, string> = {
  owner: "Owners can do everything: change SSO enforcement and break-glass, manage other owners and admins, and delete connections.",
  admin: "Admins manage SSO connections, domains, API keys, webhooks and members (except owners and admins).",
  editor: "Editors can change settings they are given, but cannot manage members, SSO or API keys.",
  viewer: "Viewers can only look.",
};

type Pending = { kind: "role"; role: Role } | { kind: "disable" } | { kind: "remove" };

/**
 * Role select, disable/enable and remove for one member (only rendered for callers allowed to manage
 * them). Every change asks for confirmation first, in a dialog that says what it does, and ends
 * with a toast.
 */
export function MemberActions({ workspace, member, roles }: { workspace: string; member: MemberView; roles: Role[] }) {
  const router = useRouter();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const selectRef = useRef<HTMLSelectElement>(null);
  const [pending, startTransition] = useTransition();
  const [confirming, setConfirming] = useState<Pending | null>(null);
  const [error, setError] = useState<string | null>(null);
  const label = member.name ?? member.email;

  function ask(p: Pending) {
    setError(null);
    setConfirming(p);
    dialogRef.current?.showModal();
  }

  function cancel() {
    dialogRef.current?.close();
  }

  function onDialogClose() {
    // Cancelled (button, Escape): the select shows the saved role again.
    if (selectRef.current) selectRef.current.value = member.role;
    setConfirming(null);
  }

  function confirm() {
    const p = confirming;
    if (!p) return;
    setError(null);
    startTransition(async () => {
      let r: ActionResult;
      let done: string;
      if (p.kind === "role") {
        r = await changeMemberRoleAction(workspace, member.id, p.role);
        done = `${label} is now ${p.role === "admin" || p.role === "owner" ? "an" : "a"} ${roleName(p.role)}`;
      } else if (p.kind === "disable") {
        r = await setMemberDisabledAction(workspace, member.id, !member.disabled);
        done = member.disabled ? `${label} can sign in again` : `${label} is disabled`;
      } else {
        r = await removeMemberAction(workspace, member.id);
        done = `${label} was removed`;
      }
      if (!r.ok) {
        setError(`${r.message} ${r.hint}`);
        return;
      }
      dialogRef.current?.close();
      toast.success(done);
      router.refresh();
    });
  }

  const title =
    confirming?.kind === "role"
      ? `Make ${label} ${confirming.role === "admin" || confirming.role === "owner" ? "an" : "a"} ${roleName(confirming.role)}?`
      : confirming?.kind === "disable"
        ? member.disabled
          ? `Enable ${label}?`
          : `Disable ${label}?`
        : `Remove ${label}?`;
  const body =
    confirming?.kind === "role" ? (
      <>
        <p>
          {member.email} changes from <strong>{roleName(member.role)}</strong> to <strong>{roleName(confirming.role)}</strong>, from their
          next request on. {ROLE_POWERS[confirming.role]}
        </p>
        {confirming.role === "owner" && (
          <p className="rounded-md bg-amber-50 px-3 py-2 text-amber-900 ring-1 ring-inset ring-amber-200">
            An owner can remove you and every other owner. Only promote people you trust with the whole workspace.
          </p>
        )}
        {(member.role === "owner" || member.role === "admin") && (
          <p>They lose what a {roleName(member.role)} can do at once, including any settings page they have open.</p>
        )}
      </>
    ) : confirming?.kind === "disable" ? (
      member.disabled ? (
        <p>{member.email} can sign in to this workspace again with their current role.</p>
      ) : (
        <p>
          {member.email} is signed out of this workspace on their next request and sees that an admin disabled their access. Their role and
          history are kept, so you can enable them again.
        </p>
      )
    ) : (
      <p>
        {member.email} loses access to this workspace on their very next request, including any open browser session. If their IdP still
        lets them sign in with just-in-time provisioning on, they would be provisioned again: unassign them in the IdP too.
      </p>
    );
  const confirmLabel =
    confirming?.kind === "role"
      ? `Make ${roleName(confirming.role)}`
      : confirming?.kind === "disable"
        ? member.disabled
          ? "Enable member"
          : "Disable member"
        : "Remove member";

  return (
    <div className="flex min-w-[16.5rem] flex-wrap items-center justify-end gap-2">
      <Select
        ref={selectRef}
        id={`role-${member.id}`}
        aria-label={`Role of ${label}`}
        className="w-28 py-1.5 text-xs"
        defaultValue={member.role}
        key={member.role}
        disabled={pending}
        onChange={(e) => {
          const role = e.target.value as Role;
          if (role !== member.role) ask({ kind: "role", role });
        }}
      >
        {(roles.includes(member.role) ? roles : [member.role, ...roles]).map((r) => (
          <option key={r} value={r}>
            {roleName(r)}
          </option>
        ))}
      </Select>
      <Button
        type="button"
        size="sm"
        variant="secondary"
        disabled={pending}
        aria-label={`${member.disabled ? "Enable" : "Disable"} ${label}`}
        onClick={() => ask({ kind: "disable" })}
      >
        {member.disabled ? "Enable" : "Disable"}
      </Button>
      <Button
        type="button"
        size="sm"
        variant="secondary"
        disabled={pending}
        aria-label={`Remove ${label}`}
        onClick={() => ask({ kind: "remove" })}
      >
        Remove
      </Button>
      <dialog
        ref={dialogRef}
        onClose={onDialogClose}
        aria-labelledby={`member-${member.id}-title`}
        className="w-full max-w-md rounded-lg p-0 text-left shadow-xl backdrop:bg-slate-900/40"
      >
        {confirming && (
          <div className="space-y-4 p-6">
            <h2 id={`member-${member.id}-title`} className="text-lg font-semibold text-slate-900">
              {title}
            </h2>
            <div className="space-y-3 text-sm text-slate-600">{body}</div>
            {error && (
              <p role="alert" className="text-sm text-red-600">
                {error}
              </p>
            )}
            <div className="flex justify-end gap-2">
              <Button type="button" variant="secondary" onClick={cancel} disabled={pending} autoFocus>
                Cancel
              </Button>
              <Button
                type="button"
                variant={confirming.kind === "role" && confirming.role !== "owner" ? "primary" : "danger"}
                pending={pending}
                onClick={confirm}
              >
                {confirmLabel}
              </Button>
            </div>
          </div>
        )}
      </dialog>
    </div>
  );
}
