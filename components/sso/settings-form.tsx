"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { Controller, useForm, useWatch } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/input";
import { connectionSettingsSchema, type ConnectionSettings } from "@/lib/schemas/connections";
import { ConflictNotice } from "./conflict-notice";
import { Switch } from "./switch";
import { useConnectionSave } from "./use-connection-save";

type Values = ConnectionSettings;

/** "Require emails in verified domains": null (automatic), true, false ↔ the select's values. */
const VERIFIED_DOMAINS = { auto: null, on: true, off: false } as const;
const verifiedDomainsOption = (v: boolean | null) => (v === null ? "auto" : v ? "on" : "off");

/** Sign-in and provisioning settings, saved together with the loaded version. */
export function SettingsForm({
  workspace,
  connectionId,
  version,
  initial,
  canEditTrust,
}: {
  workspace: string;
  connectionId: string;
  version: number;
  initial: Values;
  /** Owners only: default role, re-applied mapping, account linking and the verified-domain rule decide who becomes what. */
  canEditTrust: boolean;
}) {
  const { conflict, pending, save } = useConnectionSave(workspace, connectionId, version);
  const { register, control, handleSubmit, formState, setError, reset } = useForm<Values>({
    resolver: zodResolver(connectionSettingsSchema),
    defaultValues: initial,
  });
  const idpInitiated = useWatch({ control, name: "allowIdpInitiated" });

  const onSubmit = handleSubmit((v) => {
    save(v, {
      success: "Settings saved",
      onSaved: () => reset(v),
      onError: (e) => {
        for (const [k, msg] of Object.entries(e.fields ?? {})) if (msg && k in v) setError(k as keyof Values, { message: msg });
      },
    });
  });
  const ownerOnly = canEditTrust ? "" : " Only owners can change this.";
  const toggle = (name: keyof Values, label: string, description: string, trust = false) => (
    <Controller
      control={control}
      name={name}
      render={({ field }) => (
        <Switch
          id={`set-${name}`}
          label={label}
          description={trust ? description + ownerOnly : description}
          checked={Boolean(field.value)}
          onChange={field.onChange}
          disabled={trust && !canEditTrust}
        />
      )}
    />
  );

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-6">
      <div className="grid gap-5 md:grid-cols-2">
        <Field id="set-name" label="Connection name" error={formState.errors.name?.message}>
          <Input id="set-name" {...register("name")} invalid={Boolean(formState.errors.name)} />
        </Field>
        {canEditTrust ? (
          <Field id="set-role" label="Default role" hint="For new SSO users when no role-mapping rule matches.">
            <Select id="set-role" {...register("defaultRole")} aria-describedby="set-role-hint">
              <option value="viewer">Viewer</option>
              <option value="editor">Editor</option>
              <option value="admin">Admin</option>
            </Select>
          </Field>
        ) : (
          <div className="text-sm">
            <p className="font-medium text-slate-800">Default role</p>
            <p className="mt-1 capitalize text-slate-700">{initial.defaultRole}</p>
            <p className="text-xs text-slate-500">For new SSO users when no rule matches. Only owners can change this.</p>
          </div>
        )}
      </div>
      <fieldset className="space-y-4">
        <legend className="mb-2 text-sm font-semibold text-slate-900">IdP-initiated sign-in</legend>
        {toggle(
          "allowIdpInitiated",
          "Allow sign-in from the IdP's app tile",
          "Accept unsolicited responses (Okta dashboard, My Apps, Google app launcher). Each is still checked and used once.",
        )}
        {idpInitiated && (
          <Field
            id="set-redirect"
            label="Default redirect after IdP-initiated sign-in"
            error={formState.errors.defaultRedirect?.message}
            hint="Where people land, e.g. /dashboard."
          >
            <Input
              id="set-redirect"
              {...register("defaultRedirect")}
              invalid={Boolean(formState.errors.defaultRedirect)}
              className="max-w-md font-mono"
            />
          </Field>
        )}
      </fieldset>
      <fieldset className="space-y-4">
        <legend className="mb-2 text-sm font-semibold text-slate-900">Provisioning</legend>
        {toggle(
          "jitProvisioning",
          "Just-in-time provisioning",
          "Create the account and membership at the first SSO sign-in. Off: only invited or existing members get in.",
        )}
        {toggle(
          "applyMappingEveryLogin",
          "Apply role mapping at every sign-in",
          "Roles follow IdP groups: someone removed from a group loses the role at their next sign-in. Off: mapping applies at first sign-in only.",
          true,
        )}
        {toggle(
          "syncProfileEveryLogin",
          "Sync name at every sign-in",
          "Update first and last name from the IdP each time. Off: only at first sign-in.",
        )}
        {toggle(
          "allowAccountLinking",
          "Link existing accounts",
          "Let SSO sign in an existing password account whose email is in a domain this workspace verified.",
          true,
        )}
        {canEditTrust ? (
          <Field
            id="set-verified"
            label="Require emails in verified domains"
            hint="Automatic: required as soon as this workspace has a verified domain."
          >
            <Controller
              control={control}
              name="requireVerifiedDomains"
              render={({ field }) => (
                <Select
                  id="set-verified"
                  name={field.name}
                  ref={field.ref}
                  value={verifiedDomainsOption(field.value)}
                  onChange={(e) => field.onChange(VERIFIED_DOMAINS[e.target.value as keyof typeof VERIFIED_DOMAINS])}
                  onBlur={field.onBlur}
                  aria-describedby="set-verified-hint"
                  className="max-w-xs"
                >
                  <option value="auto">Automatic</option>
                  <option value="on">Always</option>
                  <option value="off">Never</option>
                </Select>
              )}
            />
          </Field>
        ) : (
          <div className="text-sm">
            <p className="font-medium text-slate-800">Require emails in verified domains</p>
            <p className="mt-1 text-slate-700">
              {{ auto: "Automatic", on: "Always", off: "Never" }[verifiedDomainsOption(initial.requireVerifiedDomains)]}
            </p>
            <p className="text-xs text-slate-500">Only owners can change this.</p>
          </div>
        )}
      </fieldset>
      {conflict && <ConflictNotice />}
      <div className="flex items-center gap-3 border-t border-slate-100 pt-4">
        <Button type="submit" pending={pending}>
          {pending ? "Saving…" : "Save settings"}
        </Button>
        {formState.isDirty && !pending && <span className="text-xs text-slate-500">Unsaved changes</span>}
      </div>
    </form>
  );
}
