"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, useTransition } from "react";
import { revokeApiKeyAction } from "@/app/(console)/w/[workspace]/settings/api-keys/actions";
import { Button } from "@/components/ui/button";

/** "Revoke" with a confirmation dialog: scripts using the key stop working at once. */
export function RevokeApiKeyButton({ workspace, id, name, prefix }: { workspace: string; id: string; name: string; prefix: string }) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const titleId = `revoke-${id}-title`;

  function revoke() {
    setError(null);
    startTransition(async () => {
      const result = await revokeApiKeyAction(workspace, id);
      if (!result.ok) {
        setError(`${result.message} ${result.hint}`);
        return;
      }
      dialogRef.current?.close();
      router.refresh();
    });
  }

  return (
    <>
      <Button
        type="button"
        variant="secondary"
        size="sm"
        onClick={() => dialogRef.current?.showModal()}
        aria-label={`Revoke API key ${name}`}
      >
        Revoke
      </Button>
      <dialog ref={dialogRef} aria-labelledby={titleId} className="w-full max-w-md rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40">
        <div className="space-y-4 p-6">
          <h2 id={titleId} className="text-lg font-semibold text-slate-900">
            Revoke “{name}”?
          </h2>
          <p className="text-sm text-slate-600">
            Requests with <code className="rounded bg-slate-100 px-1 text-slate-800">{prefix}…</code> will fail with 401 immediately. This
            cannot be undone.
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
            <Button type="button" variant="danger" onClick={revoke} pending={pending}>
              {pending ? "Revoking…" : "Revoke key"}
            </Button>
          </div>
        </div>
      </dialog>
    </>
  );
}
