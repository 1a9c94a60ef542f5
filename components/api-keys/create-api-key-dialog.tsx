"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useId, useRef, useState, useTransition } from "react";
import { useForm } from "react-hook-form";
import { createApiKeyAction } from "@/app/(console)/w/[workspace]/settings/api-keys/actions";
import { Button } from "@/components/ui/button";
import { CopyField } from "@/components/ui/copy-field";
import { Field, Input } from "@/components/ui/input";
import { apiKeyCreateSchema, type ApiKeyCreateInput } from "@/lib/schemas/api-keys";

/**
 * "Create API key": a modal with the name; on success the same modal shows the key once, with a
 * copy button and a warning that it cannot be shown again.
 */
export function CreateApiKeyDialog({ workspace, role }: { workspace: string; role: string }) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const uid = useId();
  const titleId = `${uid}-title`;
  const nameId = `${uid}-name`;
  const router = useRouter();
  const [created, setCreated] = useState<{ secret: string; name: string; scope: string } | null>(null);
  const [serverError, setServerError] = useState<{ message: string; hint: string } | null>(null);
  const [pending, startTransition] = useTransition();
  const form = useForm<ApiKeyCreateInput>({
    resolver: zodResolver(apiKeyCreateSchema),
    defaultValues: { name: "", scope: "read_write" },
  });
  const scopeId = `${uid}-scope`;
  const nameError = form.formState.errors.name?.message;

  function open() {
    setCreated(null);
    setServerError(null);
    form.reset({ name: "", scope: "read_write" });
    dialogRef.current?.showModal();
  }

  function close() {
    dialogRef.current?.close();
  }

  const onSubmit = form.handleSubmit((values) => {
    setServerError(null);
    startTransition(async () => {
      const result = await createApiKeyAction(workspace, values);
      if (!result.ok) {
        if (result.fields?.name) form.setError("name", { message: result.fields.name });
        else setServerError({ message: result.message, hint: result.hint });
        return;
      }
      // The list refreshes when the dialog closes, so nothing re-renders the key away meanwhile.
      setCreated({ secret: result.secret, name: result.name, scope: result.scope });
    });
  });

  return (
    <>
      <Button type="button" onClick={open}>
        Create API key
      </Button>
      <dialog
        ref={dialogRef}
        aria-labelledby={titleId}
        onClose={() => {
          if (created) router.refresh();
          setCreated(null);
        }}
        className="w-full max-w-lg rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40"
      >
        <div className="space-y-5 p-6">
          <h2 id={titleId} className="text-lg font-semibold text-slate-900">
            {created ? "Copy your new API key" : "Create API key"}
          </h2>
          {created ? (
            <div className="space-y-4">
              <div role="alert" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
                <strong>Copy this key now.</strong> It is shown only once: Gatehouse stores only a hash and cannot show it again. If you
                lose it, revoke it and create a new one.
              </div>
              <CopyField label={`API key “${created.name}”`} value={created.secret} id={`${uid}-key`} />
              <p className="text-xs text-slate-500">
                Send it as{" "}
                <code className="rounded bg-slate-100 px-1 text-slate-800">Authorization: Bearer {created.secret.slice(0, 14)}…</code>. It
                acts as {role} (your role) at most, {created.scope === "read_only" ? "and may only read" : "reading and writing"}; if your
                role changes, so does the key&apos;s.
              </p>
              <div className="flex justify-end">
                <Button type="button" onClick={close} autoFocus>
                  I have copied the key
                </Button>
              </div>
            </div>
          ) : (
            <form onSubmit={onSubmit} noValidate className="space-y-4">
              <Field id={nameId} label="Name" hint="What uses the key, e.g. “Terraform” or “provisioning script”." error={nameError}>
                <Input
                  id={nameId}
                  autoComplete="off"
                  invalid={!!nameError}
                  aria-describedby={nameError ? `${nameId}-error` : `${nameId}-hint`}
                  {...form.register("name")}
                />
              </Field>
              <fieldset className="space-y-2" aria-describedby={`${scopeId}-hint`}>
                <legend className="text-sm font-medium text-slate-800">Scope</legend>
                <label className="flex items-start gap-2 text-sm">
                  <input type="radio" value="read_write" {...form.register("scope")} className="mt-1" />
                  <span>
                    <span className="font-medium">Read and write</span>: everything your role ({role}) may do.
                  </span>
                </label>
                <label className="flex items-start gap-2 text-sm">
                  <input type="radio" value="read_only" {...form.register("scope")} className="mt-1" />
                  <span>
                    <span className="font-medium">Read only</span>: GET requests only (reports, monitoring).
                  </span>
                </label>
                <p id={`${scopeId}-hint`} className="text-xs text-slate-500">
                  The key&apos;s role is yours ({role}); it never exceeds what you can do.
                </p>
              </fieldset>
              {serverError && (
                <div role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
                  <p className="font-medium">{serverError.message}</p>
                  <p className="mt-1">{serverError.hint}</p>
                </div>
              )}
              <div className="flex justify-end gap-2">
                <Button type="button" variant="secondary" onClick={close} disabled={pending}>
                  Cancel
                </Button>
                <Button type="submit" pending={pending}>
                  {pending ? "Creating…" : "Create key"}
                </Button>
              </div>
            </form>
          )}
        </div>
      </dialog>
    </>
  );
}
