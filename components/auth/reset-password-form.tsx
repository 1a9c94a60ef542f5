"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import Link from "next/link";
import { useState, useTransition } from "react";
import { useForm } from "react-hook-form";
import { resetPasswordAction } from "@/app/(public)/reset-password/[token]/actions";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/input";
import { passwordResetSchema, type PasswordResetInput } from "@/lib/schemas/password-reset";

/** The reset link's form: a new password typed twice; on success, sign in with it. */
export function ResetPasswordForm({ token, email }: { token: string; email: string }) {
  const [pending, startTransition] = useTransition();
  const [done, setDone] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const form = useForm<PasswordResetInput>({
    resolver: zodResolver(passwordResetSchema),
    mode: "onTouched",
    defaultValues: { password: "", confirmPassword: "" },
  });
  const errors = form.formState.errors;
  const loginHref = `/login?email=${encodeURIComponent(email)}&password=1`;

  const onSubmit = form.handleSubmit((values) => {
    setError(null);
    startTransition(async () => {
      const r = await resetPasswordAction(token, values);
      if (r.ok) return setDone(true);
      if (r.fields?.password) form.setError("password", { message: r.fields.password });
      else if (r.fields?.confirmPassword) form.setError("confirmPassword", { message: r.fields.confirmPassword });
      else setError(`${r.message} ${r.hint}`);
    });
  });

  if (done) {
    return (
      <div className="space-y-4 text-sm">
        <div role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-emerald-900 ring-1 ring-inset ring-emerald-200">
          <p className="font-medium">Your password was changed</p>
          <p className="mt-1">You were signed out everywhere else. Sign in with your new password.</p>
        </div>
        <Link
          href={loginHref}
          className="block w-full rounded-md bg-brand-600 px-3.5 py-2 text-center font-medium text-white hover:bg-brand-700"
        >
          Sign in
        </Link>
      </div>
    );
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      {error && (
        <div role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 ring-1 ring-inset ring-red-200">
          {error}{" "}
          <Link href="/forgot-password" className="font-medium underline">
            Send a new link
          </Link>
        </div>
      )}
      <Field id="password" label="New password" hint="At least 10 characters." error={errors.password?.message}>
        <Input
          id="password"
          type="password"
          autoComplete="new-password"
          autoFocus
          invalid={!!errors.password}
          {...form.register("password")}
        />
      </Field>
      <Field id="confirmPassword" label="Confirm new password" error={errors.confirmPassword?.message}>
        <Input
          id="confirmPassword"
          type="password"
          autoComplete="new-password"
          invalid={!!errors.confirmPassword}
          {...form.register("confirmPassword")}
        />
      </Field>
      <Button type="submit" className="w-full" pending={pending}>
        {pending ? "Saving…" : "Set new password"}
      </Button>
      <p className="text-center text-xs text-slate-500">Setting a new password signs you out on every other device.</p>
      {/* For password managers: which account the new password belongs to (last, so it adds no gap). */}
      <input type="hidden" autoComplete="username" value={email} readOnly />
    </form>
  );
}
