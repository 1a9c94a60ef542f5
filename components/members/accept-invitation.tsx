"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import Link from "next/link";
import { useState, useTransition } from "react";
import { useForm } from "react-hook-form";
import { acceptInvitationAction } from "@/app/(public)/invite/[token]/actions";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/input";
import { invitationSignUpSchema, type InvitationSignUpInput } from "@/lib/schemas/members";

type Props = {
  token: string;
  email: string;
  role: string;
  workspaceName: string;
  mode: "sign_up" | "sign_in" | "earlier_invitation";
  signedInAs: string | null;
};

/** Accept an invitation: a password sign-up for a new account, or one click when signed in as the invited email. */
export function AcceptInvitation({ token, email, role, workspaceName, mode, signedInAs }: Props) {
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const form = useForm<InvitationSignUpInput>({
    resolver: zodResolver(invitationSignUpSchema),
    defaultValues: { firstName: "", lastName: "", password: "" },
  });
  const errors = form.formState.errors;
  const loginHref = `/login?email=${encodeURIComponent(email)}&next=${encodeURIComponent(`/invite/${token}`)}`;

  function finish(r: Awaited<ReturnType<typeof acceptInvitationAction>>) {
    if (!r.ok) {
      if (r.fields?.password) form.setError("password", { message: r.fields.password });
      else
        setError(r.code === "SSO_REQUIRED" ? `${r.message} ${r.hint} Your invitation is applied when you do.` : `${r.message} ${r.hint}`);
      return;
    }
    window.location.assign(r.redirect);
  }

  const onSignUp = form.handleSubmit((values) => {
    setError(null);
    startTransition(async () => finish(await acceptInvitationAction(token, values)));
  });

  const intro = (
    <p className="text-sm text-slate-600">
      You are invited to <strong className="text-slate-900">{workspaceName}</strong> as <strong className="text-slate-900">{role}</strong>{" "}
      with <strong className="text-slate-900">{email}</strong>.
    </p>
  );
  const alert = error && (
    <div role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 ring-1 ring-inset ring-red-200">
      {error}
    </div>
  );

  if (mode === "earlier_invitation" && signedInAs?.toLowerCase() !== email.toLowerCase()) {
    return (
      <div className="space-y-4">
        {intro}
        <p role="status" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-inset ring-amber-200">
          This address has an earlier invitation to another workspace that is still open. Accept that one first: it is where you choose your
          password. Then sign in as {email} and open this link again.
        </p>
        <Link href={loginHref} className="block text-center text-sm font-medium text-brand-600 hover:text-brand-700">
          Go to sign in
        </Link>
      </div>
    );
  }

  if (mode !== "sign_up") {
    const matches = signedInAs?.toLowerCase() === email.toLowerCase();
    return (
      <div className="space-y-4">
        {intro}
        {alert}
        {matches ? (
          <Button
            type="button"
            className="w-full"
            pending={pending}
            onClick={() => startTransition(async () => finish(await acceptInvitationAction(token)))}
          >
            Accept invitation
          </Button>
        ) : (
          <>
            <p className="text-sm text-slate-600">
              An account with this email already exists.{" "}
              {signedInAs
                ? `You are signed in as ${signedInAs}; sign out and sign in as ${email} to accept.`
                : "Sign in with it to accept."}
            </p>
            {!signedInAs && (
              <Link
                href={loginHref}
                className="block w-full rounded-md bg-brand-600 px-3.5 py-2 text-center text-sm font-medium text-white hover:bg-brand-700"
              >
                Sign in to accept
              </Link>
            )}
          </>
        )}
      </div>
    );
  }

  return (
    <form onSubmit={onSignUp} noValidate className="space-y-4">
      {intro}
      {alert}
      <div className="grid grid-cols-2 gap-3">
        <Field id="firstName" label="First name" error={errors.firstName?.message}>
          <Input id="firstName" autoComplete="given-name" {...form.register("firstName")} />
        </Field>
        <Field id="lastName" label="Last name" error={errors.lastName?.message}>
          <Input id="lastName" autoComplete="family-name" {...form.register("lastName")} />
        </Field>
      </div>
      <Field id="password" label="Choose a password" hint="At least 10 characters." error={errors.password?.message}>
        <Input id="password" type="password" autoComplete="new-password" invalid={!!errors.password} {...form.register("password")} />
      </Field>
      <Button type="submit" className="w-full" pending={pending}>
        {pending ? "Creating your account…" : "Create account and join"}
      </Button>
      <p className="text-center text-xs text-slate-500">
        Your company uses SSO?{" "}
        <Link href={`/login?email=${encodeURIComponent(email)}`} className="font-medium text-brand-600 hover:text-brand-700">
          Sign in with SSO instead
        </Link>{" "}
        — the invitation is applied when you do.
      </p>
    </form>
  );
}
