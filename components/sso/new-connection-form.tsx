"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";
import { useForm, useWatch } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { Field, Input, Select } from "@/components/ui/input";
import { toast } from "@/components/ui/toast";
import { getIdp, listIdps, suggestSlug, type IdpType } from "@/lib/idp-catalogue";
import {
  connectionNameStepSchema,
  connectionSlugSchema,
  type ConnectionNameStep,
  type ConnectionNameStepInput,
} from "@/lib/schemas/connections";
import { IdpLogo } from "./idp-logo";
import { SetupStepper } from "./setup-stepper";
import { useDebounced } from "./use-debounced";
import { useSsoWizardActions } from "./wizard-actions";

type Values = ConnectionNameStep;

function IdpPicker({ value, onChange, includeDev }: { value: IdpType | null; onChange: (t: IdpType) => void; includeDev: boolean }) {
  return (
    <fieldset>
      <legend className="mb-1 text-sm font-medium text-slate-800">Which identity provider do your people sign in with?</legend>
      <p id="idp-picker-hint" className="mb-3 text-xs text-slate-500">
        Arrow keys move between providers; the name and slug below follow your choice until you type your own.
      </p>
      <div className="grid gap-3 sm:grid-cols-2 xl:grid-cols-3">
        {listIdps({ includeDev }).map((idp) => (
          <label
            key={idp.type}
            className={cn(
              "flex cursor-pointer items-start gap-3 rounded-lg border bg-white p-3 focus-within:ring-2 focus-within:ring-brand-500",
              value === idp.type ? "border-brand-500 ring-1 ring-brand-500" : "border-slate-200 hover:border-slate-300",
            )}
          >
            <input
              type="radio"
              name="idp"
              value={idp.type}
              checked={value === idp.type}
              onChange={() => onChange(idp.type)}
              aria-describedby="idp-picker-hint"
              className="sr-only"
            />
            <IdpLogo type={idp.type} />
            <span className="min-w-0">
              <span className="block text-sm font-semibold text-slate-900">{idp.displayName}</span>
              <span className="block text-xs text-slate-500">{idp.tagline}</span>
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

export function NewConnectionForm({
  workspace,
  workspaceName,
  includeDev,
  initialIdp,
}: {
  workspace: string;
  workspaceName: string;
  includeDev: boolean;
  initialIdp: IdpType | null;
}) {
  const router = useRouter();
  const actions = useSsoWizardActions();
  const [idpType, setIdpType] = useState<IdpType | null>(initialIdp);
  const [slugEdited, setSlugEdited] = useState(false);
  const [nameEdited, setNameEdited] = useState(false);
  const [pending, startTransition] = useTransition();
  const form = useForm<ConnectionNameStepInput, unknown, Values>({
    resolver: zodResolver(connectionNameStepSchema),
    defaultValues: { name: "", slug: "", defaultRole: "viewer" },
    mode: "onTouched",
  });
  const { register, handleSubmit, control, setValue, getValues, setError, formState } = form;
  const name = useWatch({ control, name: "name" });
  const slug = useWatch({ control, name: "slug" });

  // The name (and with it the slug) follows the chosen IdP until the person types their own: picking
  // another IdP, by mouse or by arrow keys, never leaves the first one's name or slug behind.
  useEffect(() => {
    if (idpType && (!nameEdited || !getValues("name"))) setValue("name", getIdp(idpType).displayName);
  }, [idpType, nameEdited, getValues, setValue]);
  useEffect(() => {
    if (!slugEdited) setValue("slug", suggestSlug(`${workspace} ${name}`), { shouldValidate: Boolean(name) });
  }, [name, slugEdited, setValue, workspace]);

  const debouncedSlug = useDebounced(slug, 300);
  const slugValid = connectionSlugSchema.safeParse(debouncedSlug).success;
  const availability = useQuery({
    queryKey: ["slug-available", workspace, debouncedSlug],
    queryFn: async () => actions.checkSlug(workspace, debouncedSlug),
    enabled: slugValid,
    staleTime: 10_000,
  });
  const slugTaken = availability.data?.ok && !availability.data.available;

  const onSubmit = handleSubmit((values) => {
    if (!idpType) return;
    startTransition(async () => {
      const r = await actions.createConnection(workspace, { ...values, idpType });
      if (!r.ok) {
        for (const [k, msg] of Object.entries(r.fields ?? {})) if (k in values && msg) setError(k as keyof Values, { message: msg });
        toast.error(r.message, r.hint);
        return;
      }
      toast.success("Connection created", "Its SP signing key was generated. Now register Gatehouse in your IdP.");
      router.push(actions.setupPath(workspace, r.id, 2));
    });
  });

  const slugStatus = !slugValid ? null : availability.isFetching ? (
    <span className="text-slate-500">Checking availability…</span>
  ) : slugTaken ? null : availability.data?.ok ? (
    <span className="text-emerald-700">✓ Available</span>
  ) : null;

  return (
    <>
      <SetupStepper current={1} />
      <Card className="p-5">
        <IdpPicker value={idpType} onChange={setIdpType} includeDev={includeDev} />
      </Card>
      {idpType && (
        <Card className="mt-6">
          <CardHeader
            title={`Step 1 · Name your ${getIdp(idpType).displayName} connection`}
            description={`Members of ${workspaceName} will sign in through it. They see its name on the login page.`}
          />
          <form onSubmit={onSubmit} noValidate className="space-y-5 px-5 py-5">
            <Field
              id="conn-name"
              label="Connection name"
              hint={
                <>
                  Shown to your people on the login page as “Continue with <span className="font-semibold">{name || "…"}</span>”, so pick a
                  name they recognise. It must be unique in this workspace.
                </>
              }
              error={formState.errors.name?.message}
            >
              <Input
                id="conn-name"
                {...register("name", { onChange: () => setNameEdited(true) })}
                invalid={Boolean(formState.errors.name)}
                aria-describedby={formState.errors.name ? "conn-name-error" : "conn-name-hint"}
              />
            </Field>
            <Field
              id="conn-slug"
              label="Slug"
              error={formState.errors.slug?.message ?? (slugTaken ? (availability.data as { reason: string }).reason : undefined)}
              hint={
                <>
                  Part of every URL you register in the IdP (…/auth/sso/saml/<span className="font-mono">{slug || "slug"}</span>/acs); it
                  cannot be changed later. <span aria-live="polite">{slugStatus}</span>
                </>
              }
            >
              <Input
                id="conn-slug"
                {...register("slug", { onChange: (e: { target: { value: string } }) => setSlugEdited(e.target.value !== "") })}
                invalid={Boolean(formState.errors.slug) || Boolean(slugTaken)}
                autoComplete="off"
                spellCheck={false}
                aria-describedby={formState.errors.slug || slugTaken ? "conn-slug-error" : "conn-slug-hint"}
                className="font-mono"
              />
            </Field>
            <Field
              id="conn-role"
              label="Default role"
              hint="Given to people on their first SSO sign-in when no role-mapping rule matches. You can map IdP groups to roles later."
            >
              <Select id="conn-role" {...register("defaultRole")} aria-describedby="conn-role-hint" className="max-w-xs">
                {actions.roles.map((role) => (
                  <option key={role} value={role}>
                    {role[0]!.toUpperCase() + role.slice(1)}
                  </option>
                ))}
              </Select>
            </Field>
            <div className="flex items-center gap-3 border-t border-slate-100 pt-4">
              <Button type="submit" pending={pending} disabled={Boolean(slugTaken)}>
                {pending ? "Creating…" : "Create and continue"}
              </Button>
              <span className="text-xs text-slate-500">
                Creates the connection and its SP signing key. Nothing changes for your users yet.
              </span>
            </div>
          </form>
        </Card>
      )}
    </>
  );
}
