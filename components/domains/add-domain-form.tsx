"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import { addDomainAction } from "@/app/(console)/w/[workspace]/settings/domains/actions";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/input";
import { toast } from "@/components/ui/toast";
import { domainCreateSchema, type DomainCreateInput } from "@/lib/schemas/domains";
import type { DomainActions, DomainItem } from "./types";

/** Add a domain: validated inline (same check as the server), then the TXT record appears in the list. */
export function AddDomainForm({
  slug,
  onAdded,
  add = addDomainAction,
}: {
  slug: string;
  onAdded: (d: DomainItem) => void;
  add?: DomainActions["add"];
}) {
  const form = useForm<DomainCreateInput>({ resolver: zodResolver(domainCreateSchema), defaultValues: { domain: "" }, mode: "onTouched" });
  const error = form.formState.errors.domain?.message;

  async function onSubmit(values: DomainCreateInput) {
    const r = await add(slug, values);
    if (!r.ok) {
      form.setError("domain", { message: r.fields?.domain ?? `${r.message} ${r.hint}` });
      return;
    }
    onAdded(r.domain);
    form.reset({ domain: "" });
    toast.success(`Added ${r.domain.domain}`, "Create the TXT record below, then click Verify.");
  }

  return (
    <form onSubmit={form.handleSubmit(onSubmit)} noValidate className="flex flex-col gap-3 sm:flex-row sm:items-start">
      <div className="flex-1">
        <Field id="new-domain" label="Domain" hint="The part after @ in your colleagues' email addresses, e.g. example.com." error={error}>
          <Input
            id="new-domain"
            placeholder="example.com"
            autoComplete="off"
            spellCheck={false}
            invalid={!!error}
            aria-describedby={error ? "new-domain-error" : "new-domain-hint"}
            {...form.register("domain")}
          />
        </Field>
      </div>
      <Button type="submit" className="sm:mt-7" pending={form.formState.isSubmitting}>
        Add domain
      </Button>
    </form>
  );
}
