"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { resendInvitationAction, revokeInvitationAction } from "@/app/(console)/w/[workspace]/settings/members/actions";
import { Button } from "@/components/ui/button";
import type { EmailDeliveryMode } from "@/lib/email/transport";
import { InviteLink } from "./invite-member-form";
import type { InvitationView } from "./types";

/** Re-send (new link, new expiry; shown to copy) and revoke for one open invitation. */
export function InvitationActions({ workspace, invitation }: { workspace: string; invitation: InvitationView }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [busy, setBusy] = useState<"resend" | "revoke" | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [link, setLink] = useState<{ url: string; emailDelivery: EmailDeliveryMode } | null>(null);

  function resend() {
    setError(null);
    setBusy("resend");
    startTransition(async () => {
      const r = await resendInvitationAction(workspace, invitation.id);
      setBusy(null);
      if (!r.ok) return setError(`${r.message} ${r.hint}`);
      setLink({ url: r.inviteUrl, emailDelivery: r.emailDelivery });
      router.refresh();
    });
  }

  function revoke() {
    setError(null);
    setBusy("revoke");
    startTransition(async () => {
      const r = await revokeInvitationAction(workspace, invitation.id);
      setBusy(null);
      if (!r.ok) return setError(`${r.message} ${r.hint}`);
      router.refresh();
    });
  }

  return (
    <div className="space-y-2">
      <div className="flex justify-end gap-2">
        <Button
          type="button"
          size="sm"
          variant="secondary"
          pending={busy === "resend"}
          disabled={pending}
          onClick={resend}
          aria-label={`Re-send invitation to ${invitation.email}`}
        >
          {busy === "resend" ? "Creating link…" : "New link"}
        </Button>
        <Button
          type="button"
          size="sm"
          variant="secondary"
          pending={busy === "revoke"}
          disabled={pending}
          onClick={revoke}
          aria-label={`Revoke invitation to ${invitation.email}`}
        >
          Revoke
        </Button>
      </div>
      {error && (
        <p role="alert" className="text-right text-xs text-red-600">
          {error}
        </p>
      )}
      {link && <InviteLink email={invitation.email} url={link.url} emailDelivery={link.emailDelivery} />}
    </div>
  );
}
