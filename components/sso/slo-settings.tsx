"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/input";
import { sloSettingsSchema, type SloSettings, type SloSettingsInput } from "@/lib/schemas/connections";
import { ConflictNotice } from "./conflict-notice";
import { useConnectionSave } from "./use-connection-save";

/**
 * The IdP's single logout URL (owners: it is part of what the connection trusts). Empty: sign-out
 * stays local to Gatehouse.
 */
export function SloSettingsForm({
  workspace,
  connectionId,
  version,
  idpSloUrl,
}: {
  workspace: string;
  connectionId: string;
  version: number;
  idpSloUrl: string | null;
}) {
  const { conflict, pending, save } = useConnectionSave(workspace, connectionId, version);
  const form = useForm<SloSettingsInput, unknown, SloSettings>({
    resolver: zodResolver(sloSettingsSchema),
    defaultValues: { idpSloUrl: idpSloUrl ?? "" },
    mode: "onBlur",
  });
  const error = form.formState.errors.idpSloUrl?.message;
  return (
    <form
      noValidate
      className="space-y-3"
      onSubmit={form.handleSubmit((parsed) => {
        save(
          { idpSloUrl: parsed.idpSloUrl },
          {
            success: parsed.idpSloUrl ? "Single logout URL saved" : "Single logout turned off",
            onError: (e) => {
              const message = e.fields?.idpSloUrl;
              if (message) form.setError("idpSloUrl", { message });
            },
          },
        );
      })}
    >
      {conflict && <ConflictNotice />}
      <Field
        id="idp-slo-url"
        label="IdP single logout URL"
        hint="Where Gatehouse sends the signed LogoutRequest when someone signs out. Leave empty to keep sign-out local to Gatehouse."
        error={error}
      >
        <Input
          id="idp-slo-url"
          type="url"
          inputMode="url"
          placeholder="https://idp.example.com/slo"
          invalid={!!error}
          {...form.register("idpSloUrl")}
        />
      </Field>
      <Button type="submit" variant="secondary" size="sm" pending={pending}>
        Save single logout URL
      </Button>
    </form>
  );
}
