"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useRef, useState, useTransition } from "react";
import { useForm, useWatch } from "react-hook-form";
import { createDirectoryAction } from "@/app/(console)/w/[workspace]/settings/directory-sync/actions";
import { MAPPABLE_ROLES, type MappableRole } from "@/lib/auth/roles";
import { Button } from "@/components/ui/button";
import { CopyField } from "@/components/ui/copy-field";
import { Field, Input, Select } from "@/components/ui/input";
import { directoryCreateSchema, type DirectoryCreateInput } from "@/lib/schemas/directories";
import { DIRECTORY_GUIDES, directoryGuide, GOOGLE_WORKSPACE_NOTE } from "./idp-guides";
import { SetupSteps } from "./setup-steps";

/**
 * "New directory": name, IdP and default role; on success the same dialog shows the SCIM base URL and
 * the bearer token (once) with copy buttons, under the IdP's own field names, and its setup steps.
 */
/**
 * `create` and `roles` default to the console's; the setup-link page passes its own (its action is
 * scoped to the link, its roles capped at the workspace default) and no directory page (`directoryHref` null).
 */
export function CreateDirectoryDialog({
  workspace,
  create = createDirectoryAction,
  roles = MAPPABLE_ROLES,
  directoryHref = (id: string) => `/w/${workspace}/settings/directory-sync/${id}`,
}: {
  workspace: string;
  create?: typeof createDirectoryAction;
  roles?: readonly MappableRole[];
  directoryHref?: ((id: string) => string) | null;
}) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const uid = useId();
  const router = useRouter();
  const [created, setCreated] = useState<{ id: string; baseUrl: string; token: string; kind: string } | null>(null);
  const [serverError, setServerError] = useState<{ message: string; hint: string } | null>(null);
  const [pending, startTransition] = useTransition();
  const form = useForm<DirectoryCreateInput>({
    resolver: zodResolver(directoryCreateSchema),
    defaultValues: { name: "", kind: "okta", defaultRole: "viewer" },
  });
  const kind = useWatch({ control: form.control, name: "kind" });
  const nameError = form.formState.errors.name?.message;

  function open() {
    setCreated(null);
    setServerError(null);
    form.reset({ name: "", kind: "okta", defaultRole: "viewer" });
    dialogRef.current?.showModal();
  }

  const onSubmit = form.handleSubmit((values) => {
    setServerError(null);
    startTransition(async () => {
      const r = await create(workspace, values);
      if (!r.ok) {
        if (r.fields?.name) form.setError("name", { message: r.fields.name });
        else setServerError({ message: r.message, hint: r.hint });
        return;
      }
      setCreated({ id: r.id, baseUrl: r.baseUrl, token: r.token, kind: values.kind });
    });
  });

  const guide = directoryGuide(created?.kind ?? kind);
  return (
    <>
      <Button type="button" onClick={open}>
        New directory
      </Button>
      <dialog
        ref={dialogRef}
        aria-labelledby={`${uid}-title`}
        onClose={() => {
          if (created) router.refresh();
          setCreated(null);
        }}
        className="w-full max-w-2xl rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40"
      >
        <div className="space-y-5 p-6">
          <h2 id={`${uid}-title`} className="text-lg font-semibold text-slate-900">
            {created ? `Connect ${guide.label}` : "New directory"}
          </h2>
          {created ? (
            <div className="space-y-4">
              <div role="alert" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
                <strong>Copy the token now.</strong> It is shown only once: Gatehouse stores only a hash. You can rotate it later.
              </div>
              <CopyField label={guide.urlField} value={created.baseUrl} id={`${uid}-url`} exactLabel />
              <CopyField label={guide.tokenField} value={created.token} id={`${uid}-token`} exactLabel />
              <SetupSteps guide={guide} />
              <div className="flex justify-end gap-2">
                {directoryHref && (
                  <Link
                    href={directoryHref(created.id)}
                    className="rounded-md px-3 py-2 text-sm font-medium text-brand-700 hover:underline"
                  >
                    Open the directory
                  </Link>
                )}
                <Button type="button" onClick={() => dialogRef.current?.close()} autoFocus>
                  I have copied the token
                </Button>
              </div>
            </div>
          ) : (
            <form onSubmit={onSubmit} noValidate className="space-y-4">
              <fieldset>
                <legend className="text-sm font-medium text-slate-800">Identity provider</legend>
                <div className="mt-2 grid grid-cols-2 gap-2 sm:grid-cols-3">
                  {DIRECTORY_GUIDES.map((g) => (
                    <label
                      key={g.kind}
                      className="flex cursor-pointer items-center gap-2 rounded-md border border-slate-200 px-3 py-2 text-sm has-[:checked]:border-brand-500 has-[:checked]:bg-brand-50"
                    >
                      <input type="radio" value={g.kind} {...form.register("kind")} />
                      {g.label}
                    </label>
                  ))}
                </div>
                <p className="mt-2 text-xs text-slate-500">{GOOGLE_WORKSPACE_NOTE}</p>
              </fieldset>
              <Field id={`${uid}-name`} label="Name" hint="Shown in Gatehouse, e.g. “Okta (production)”." error={nameError}>
                <Input id={`${uid}-name`} autoComplete="off" invalid={!!nameError} {...form.register("name")} />
              </Field>
              <Field
                id={`${uid}-role`}
                label="Role for provisioned people"
                hint="Until you map groups to roles. The directory never grants owner."
              >
                <Select id={`${uid}-role`} {...form.register("defaultRole")}>
                  {roles.map((role) => (
                    <option key={role} value={role}>
                      {role[0]!.toUpperCase() + role.slice(1)}
                    </option>
                  ))}
                </Select>
              </Field>
              {serverError && (
                <div role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
                  <p className="font-medium">{serverError.message}</p>
                  <p className="mt-1">{serverError.hint}</p>
                </div>
              )}
              <div className="flex justify-end gap-2">
                <Button type="button" variant="secondary" onClick={() => dialogRef.current?.close()} disabled={pending}>
                  Cancel
                </Button>
                <Button type="submit" pending={pending}>
                  {pending ? "Creating…" : "Create directory"}
                </Button>
              </div>
            </form>
          )}
        </div>
      </dialog>
    </>
  );
}
