"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { useForm } from "react-hook-form";
import { inviteMemberAction } from "@/app/(console)/w/[workspace]/settings/members/actions";
import { Button } from "@/components/ui/button";
import { CopyField } from "@/components/ui/copy-field";
import { Field, Input, Select } from "@/components/ui/input";
import type { Role } from "@/lib/auth/roles";
import type { EmailDeliveryMode } from "@/lib/email/transport";
import { memberInviteSchema, type MemberInviteInput } from "@/lib/schemas/members";

/** Invite by email with a role. The invitation is emailed, and the link is also shown to copy. */
export function InviteMemberForm({ workspace, roles }: { workspace: string; roles: Role[] }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [link, setLink] = useState<{ url: string; email: string; emailDelivery: EmailDeliveryMode } | null>(null);
  const [serverError, setServerError] = useState<string | null>(null);
  const form = useForm<MemberInviteInput>({ resolver: zodResolver(memberInviteSchema), defaultValues: { email: "", role: "viewer" } });
  const errors = form.formState.errors;

  const onSubmit = form.handleSubmit((values) => {
    setServerError(null);
    setLink(null);
    startTransition(async () => {
      const r = await inviteMemberAction(workspace, values);
      if (!r.ok) {
        if (r.fields?.email) form.setError("email", { message: r.fields.email });
        else if (r.fields?.role) form.setError("role", { message: r.fields.role });
        else setServerError(`${r.message} ${r.hint}`);
        return;
      }
      setLink({ url: r.inviteUrl, email: r.email, emailDelivery: r.emailDelivery });
      form.reset({ email: "", role: values.role });
      router.refresh();
    });
  });

  return (
    <div className="space-y-4 p-5">
      <form onSubmit={onSubmit} noValidate className="grid gap-4 sm:grid-cols-[1fr_12rem_auto] sm:items-start">
        <Field id="invite-email" label="Email" error={errors.email?.message}>
          <Input
            id="invite-email"
            type="email"
            autoComplete="off"
            placeholder="teammate@company.com"
            invalid={!!errors.email}
            {...form.register("email")}
          />
        </Field>
        <Field id="invite-role" label="Role" error={errors.role?.message}>
          <Select id="invite-role" invalid={!!errors.role} {...form.register("role")}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {r[0]!.toUpperCase() + r.slice(1)}
              </option>
            ))}
          </Select>
        </Field>
        <div className="sm:pt-7">
          <Button type="submit" pending={pending}>
            {pending ? "Inviting…" : "Invite"}
          </Button>
        </div>
      </form>
      {serverError && (
        <p role="alert" className="text-sm text-red-600">
          {serverError}
        </p>
      )}
      {link && <InviteLink email={link.email} url={link.url} emailDelivery={link.emailDelivery} />}
    </div>
  );
}

export function InviteLink({ email, url, emailDelivery }: { email: string; url: string; emailDelivery: EmailDeliveryMode }) {
  return (
    <div role="status" className="space-y-2 rounded-md bg-emerald-50 p-4 ring-1 ring-inset ring-emerald-200">
      <p className="text-sm text-emerald-900">
        {emailDelivery === "off" ? (
          <>
            Invitation ready for <strong>{email}</strong>. This server sends no email (SMTP_URL is not set): copy the link and send it to
            them.
          </>
        ) : (
          <>
            Invitation emailed to <strong>{email}</strong>. You can also copy the link and send it yourself.
          </>
        )}{" "}
        It works once and expires in 7 days.
        {emailDelivery === "capture" && (
          <>
            {" "}
            Development mode: the email is captured at{" "}
            <Link href="/dev/mail" className="font-medium underline">
              /dev/mail
            </Link>
            .
          </>
        )}
      </p>
      <CopyField label="Invitation link" value={url} id="invite-link" />
    </div>
  );
}
