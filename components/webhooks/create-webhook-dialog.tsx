"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useId, useRef, useState, useTransition } from "react";
import { Controller, useForm } from "react-hook-form";
import { createWebhookAction } from "@/app/(console)/w/[workspace]/settings/webhooks/actions";
import { Button } from "@/components/ui/button";
import { CopyField } from "@/components/ui/copy-field";
import { Field, Input } from "@/components/ui/input";
import { webhookEndpointCreateSchema, type WebhookEndpointCreateInput } from "@/lib/schemas/webhooks";
import { EventCheckboxes } from "./event-checkboxes";

/** "Add endpoint": URL, description and event filter; on success the signing secret, once. */
export function CreateWebhookDialog({ workspace }: { workspace: string }) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const uid = useId();
  const router = useRouter();
  const [secret, setSecret] = useState<string | null>(null);
  const [serverError, setServerError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const form = useForm<WebhookEndpointCreateInput>({
    resolver: zodResolver(webhookEndpointCreateSchema),
    defaultValues: { url: "", description: "", eventTypes: [] },
  });
  const urlError = form.formState.errors.url?.message;

  const onSubmit = form.handleSubmit((values) => {
    setServerError(null);
    startTransition(async () => {
      const r = await createWebhookAction(workspace, values);
      if (!r.ok) {
        if (r.fields?.url) form.setError("url", { message: r.fields.url });
        else setServerError(`${r.message} ${r.hint}`);
        return;
      }
      setSecret(r.secret);
    });
  });

  return (
    <>
      <Button
        type="button"
        onClick={() => {
          setSecret(null);
          setServerError(null);
          form.reset({ url: "", description: "", eventTypes: [] });
          dialogRef.current?.showModal();
        }}
      >
        Add endpoint
      </Button>
      <dialog
        ref={dialogRef}
        aria-labelledby={`${uid}-title`}
        onClose={() => {
          if (secret) router.refresh();
          setSecret(null);
        }}
        className="w-full max-w-2xl rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40"
      >
        <div className="space-y-5 p-6">
          <h2 id={`${uid}-title`} className="text-lg font-semibold text-slate-900">
            {secret ? "Copy the signing secret" : "Add a webhook endpoint"}
          </h2>
          {secret ? (
            <div className="space-y-4">
              <div role="alert" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
                <strong>Copy the secret now.</strong> It is shown only once. Verify each delivery&apos;s <code>webhook-signature</code> with
                it (any Standard Webhooks library does).
              </div>
              <CopyField label="Signing secret" value={secret} id={`${uid}-secret`} />
              <div className="flex justify-end">
                <Button type="button" onClick={() => dialogRef.current?.close()} autoFocus>
                  I have copied the secret
                </Button>
              </div>
            </div>
          ) : (
            <form onSubmit={onSubmit} noValidate className="space-y-4">
              <Field id={`${uid}-url`} label="Endpoint URL" hint="Your app's HTTPS URL that receives the events." error={urlError}>
                <Input
                  id={`${uid}-url`}
                  type="url"
                  placeholder="https://app.example.com/webhooks/gatehouse"
                  invalid={!!urlError}
                  {...form.register("url")}
                />
              </Field>
              <Field id={`${uid}-desc`} label="Description (optional)">
                <Input id={`${uid}-desc`} autoComplete="off" {...form.register("description")} />
              </Field>
              <Controller
                control={form.control}
                name="eventTypes"
                render={({ field }) => <EventCheckboxes idPrefix={`${uid}-ev`} value={field.value ?? []} onChange={field.onChange} />}
              />
              {serverError && (
                <p role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
                  {serverError}
                </p>
              )}
              <div className="flex justify-end gap-2">
                <Button type="button" variant="secondary" onClick={() => dialogRef.current?.close()} disabled={pending}>
                  Cancel
                </Button>
                <Button type="submit" pending={pending}>
                  {pending ? "Adding…" : "Add endpoint"}
                </Button>
              </div>
            </form>
          )}
        </div>
      </dialog>
    </>
  );
}
