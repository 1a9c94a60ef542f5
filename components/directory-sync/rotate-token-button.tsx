"use client";

import { useRouter } from "next/navigation";
import { useId, useRef, useState, useTransition } from "react";
import { rotateDirectoryTokenAction } from "@/app/(console)/w/[workspace]/settings/directory-sync/actions";
import { Button } from "@/components/ui/button";
import { CopyField } from "@/components/ui/copy-field";
import { Field, Select } from "@/components/ui/input";

/** "Rotate token": a new token shown once; the current one keeps working for the chosen overlap. */
export function RotateTokenButton({ workspace, directoryId, tokenField }: { workspace: string; directoryId: string; tokenField: string }) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const uid = useId();
  const router = useRouter();
  const [overlap, setOverlap] = useState("60");
  const [result, setResult] = useState<{ token: string; previousValidUntil: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function rotate() {
    setError(null);
    startTransition(async () => {
      const r = await rotateDirectoryTokenAction(workspace, directoryId, Number(overlap));
      if (!r.ok) return setError(`${r.message} ${r.hint}`);
      setResult({ token: r.token, previousValidUntil: r.previousValidUntil });
    });
  }

  return (
    <>
      <Button
        type="button"
        variant="secondary"
        onClick={() => {
          setResult(null);
          setError(null);
          dialogRef.current?.showModal();
        }}
      >
        Rotate token
      </Button>
      <dialog
        ref={dialogRef}
        aria-labelledby={`${uid}-title`}
        onClose={() => {
          if (result) router.refresh();
          setResult(null);
        }}
        className="w-full max-w-lg rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40"
      >
        <div className="space-y-4 p-6">
          <h2 id={`${uid}-title`} className="text-lg font-semibold text-slate-900">
            {result ? "Copy the new token" : "Rotate the bearer token"}
          </h2>
          {result ? (
            <>
              <div role="alert" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
                <strong>Copy it now:</strong> it is shown only once. Paste it into the IdP before{" "}
                {result.previousValidUntil.slice(0, 16).replace("T", " ")} UTC, when the previous token stops working.
              </div>
              <CopyField label={tokenField} value={result.token} id={`${uid}-token`} exactLabel />
              <div className="flex justify-end">
                <Button type="button" onClick={() => dialogRef.current?.close()} autoFocus>
                  I have copied the token
                </Button>
              </div>
            </>
          ) : (
            <>
              <Field
                id={`${uid}-overlap`}
                label="The current token keeps working for"
                hint="Long enough to update the IdP without an outage."
              >
                <Select id={`${uid}-overlap`} value={overlap} onChange={(e) => setOverlap(e.target.value)}>
                  <option value="0">No time: it stops at once</option>
                  <option value="60">1 hour</option>
                  <option value="1440">1 day</option>
                  <option value="10080">7 days</option>
                </Select>
              </Field>
              {error && (
                <p role="alert" className="text-sm text-red-700">
                  {error}
                </p>
              )}
              <div className="flex justify-end gap-2">
                <Button type="button" variant="secondary" onClick={() => dialogRef.current?.close()} disabled={pending}>
                  Cancel
                </Button>
                <Button type="button" onClick={rotate} pending={pending}>
                  Rotate token
                </Button>
              </div>
            </>
          )}
        </div>
      </dialog>
    </>
  );
}
