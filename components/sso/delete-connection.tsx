"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { deleteConnectionAction } from "@/app/(console)/w/[workspace]/settings/sso/[connectionId]/actions";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/input";
import { toast } from "@/components/ui/toast";

/** Delete, confirmed by typing the connection's slug. */
export function DeleteConnection({
  workspace,
  connectionId,
  slug,
  name,
}: {
  workspace: string;
  connectionId: string;
  slug: string;
  name: string;
}) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const [error, setError] = useState<string | undefined>();
  const [pending, startTransition] = useTransition();

  function onDelete(e: React.FormEvent) {
    e.preventDefault();
    startTransition(async () => {
      const r = await deleteConnectionAction(workspace, connectionId, typed);
      if (!r.ok) {
        setError(r.fields?.confirm || r.message);
        toast.error(r.message, r.hint);
        return;
      }
      toast.success(`Deleted ${name}`);
      router.push(`/w/${workspace}/settings/sso`);
      router.refresh();
    });
  }

  if (!open) {
    return (
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="text-sm text-slate-700">
          Sign-ins through this connection stop at once; routed domains are unrouted. Members keep their accounts.
        </p>
        <Button type="button" variant="danger" onClick={() => setOpen(true)}>
          Delete connection…
        </Button>
      </div>
    );
  }
  return (
    <form onSubmit={onDelete} className="space-y-4">
      <Field
        id="delete-confirm"
        label={
          <>
            Type <code className="font-mono">{slug}</code> to confirm
          </>
        }
        error={error}
      >
        <Input
          id="delete-confirm"
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          autoFocus
          autoComplete="off"
          spellCheck={false}
          className="max-w-sm font-mono"
          invalid={Boolean(error)}
        />
      </Field>
      <div className="flex gap-3">
        <Button type="submit" variant="danger" pending={pending} disabled={typed.trim() !== slug}>
          {pending ? "Deleting…" : "Delete this connection"}
        </Button>
        <Button type="button" variant="secondary" onClick={() => setOpen(false)}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
