"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import Link from "next/link";
import { useState, useTransition } from "react";
import { useForm } from "react-hook-form";
import { requestPasswordResetAction } from "@/app/(public)/forgot-password/actions";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/input";
import { passwordResetRequestSchema, type PasswordResetRequestInput } from "@/lib/schemas/password-reset";

/**
 * Ask for a reset link. The answer is the same for every address (no account enumeration); SSO-only
 * accounts get an email pointing to SSO instead of a link.
 */
export function ForgotPasswordForm({ emailHint, devMail }: { emailHint: string; devMail: boolean }) {
  const [pending, startTransition] = useTransition();
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const form = useForm<PasswordResetRequestInput>({
    resolver: zodResolver(passwordResetRequestSchema),
    defaultValues: { email: emailHint },
  });
  const errors = form.formState.errors;

  const onSubmit = form.handleSubmit((values) => {
    setError(null);
    startTransition(async () => {
      const r = await requestPasswordResetAction(values);
      if (r.ok) setSentTo(r.email);
      else if (r.fields?.email) form.setError("email", { message: r.fields.email });
      else setError(`${r.message} ${r.hint}`);
    });
  });

  if (sentTo) {
    return (
      <div className="space-y-4 text-sm text-slate-700">
        <div role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-emerald-900 ring-1 ring-inset ring-emerald-200">
          <p className="font-medium">Check your email</p>
          <p className="mt-1">
            If <strong>{sentTo}</strong> has a Gatehouse account, we sent a link to choose a new password. It works once and expires in 30
            minutes. If your organization signs you in with SSO, the email says how to sign in instead.
          </p>
        </div>
        {devMail && (
          <p className="rounded-md bg-slate-50 px-3 py-2 text-slate-600 ring-1 ring-inset ring-slate-200">
            Development mode: no mail server is configured, so email is captured.{" "}
            <Link href="/dev/mail" className="font-medium text-brand-600 hover:text-brand-700">
              Open the captured mail
            </Link>
          </p>
        )}
        <p className="flex justify-between">
          <button type="button" className="font-medium text-brand-600 hover:text-brand-700" onClick={() => setSentTo(null)}>
            Use another email
          </button>
          <Link href="/login" className="font-medium text-brand-600 hover:text-brand-700">
            Back to sign in
          </Link>
        </p>
      </div>
    );
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      {error && (
        <div role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 ring-1 ring-inset ring-red-200">
          {error}
        </div>
      )}
      <Field id="email" label="Work email" error={errors.email?.message}>
        <Input
          id="email"
          type="email"
          autoComplete="email"
          autoFocus
          placeholder="you@company.com"
          invalid={!!errors.email}
          {...form.register("email")}
        />
      </Field>
      <Button type="submit" className="w-full" pending={pending}>
        {pending ? "Sending…" : "Send reset link"}
      </Button>
      <p className="text-center text-sm">
        <Link href="/login" className="font-medium text-brand-600 hover:text-brand-700">
          Back to sign in
        </Link>
      </p>
    </form>
  );
}
