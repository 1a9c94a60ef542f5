"use client";

import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { approveTrustAction } from "@/app/(console)/w/[workspace]/settings/sso/[connectionId]/actions";
import { Button } from "@/components/ui/button";
import { toast } from "@/components/ui/toast";

export type TrustApprovalProps = {
  workspace: string;
  connectionId: string;
  approved: boolean;
  /** "Approved by ana@acme.com on 2026-03-01", or why it is not approved. */
  summary: string;
  canApprove: boolean;
};

/**
 * Who approved what this connection trusts. Without a current owner's approval, owners and admins
 * cannot sign in through it (their accounts are out of its reach); owners can approve it here.
 */
export function TrustApproval({ workspace, connectionId, approved, summary, canApprove }: TrustApprovalProps) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  return (
    <div
      className={
        approved
          ? "rounded-md bg-slate-50 px-3 py-2 text-sm text-slate-700 ring-1 ring-inset ring-slate-200"
          : "rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-inset ring-amber-200"
      }
      role={approved ? undefined : "status"}
    >
      <p>{summary}</p>
      {!approved && (
        <p className="mt-1">
          Until an owner approves the IdP, account linking and roles of this connection, owners and admins cannot sign in through it.
        </p>
      )}
      {!approved && canApprove && (
        <Button
          type="button"
          size="sm"
          className="mt-2"
          pending={pending}
          onClick={() =>
            startTransition(async () => {
              const r = await approveTrustAction(workspace, connectionId);
              if (r.ok) toast.success("Connection approved");
              else toast.error(r.message, r.hint);
              router.refresh();
            })
          }
        >
          {pending ? "Approving…" : "Approve this connection"}
        </Button>
      )}
    </div>
  );
}
