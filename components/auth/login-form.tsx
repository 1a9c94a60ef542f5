"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/input";

const LAST_EMAIL_KEY = "gatehouse:last-email";

const MESSAGES: Record<string, string> = {
  INVALID_CREDENTIALS: "Wrong email or password.",
  TOO_MANY_ATTEMPTS: "Too many failed attempts. Wait a few minutes and try again.",
  SSO_REQUIRED: "Your organization requires single sign-on. Continue with SSO instead.",
  SAML_LOGIN_TICKET_INVALID: "That sign-in link expired. Please sign in again.",
  INTERNAL: "Something went wrong on our side. Please try again.",
};

const emailStep = z.object({ email: z.string().trim().pipe(z.email("Enter a valid email address")) });
const passwordStep = z.object({ password: z.string().min(1, "Enter your password") });

type Sso = { redirect: string; name?: string };

export function LoginForm({ emailHint, next, initialError }: { emailHint?: string; next?: string; initialError?: string }) {
  const router = useRouter();
  const [step, setStep] = useState<"email" | "password" | "sso">("email");
  const [email, setEmail] = useState("");
  const [sso, setSso] = useState<Sso | null>(null);
  const [error, setError] = useState<string | null>(initialError ? (MESSAGES[initialError] ?? null) : null);

  const emailForm = useForm<z.infer<typeof emailStep>>({ resolver: zodResolver(emailStep), defaultValues: { email: emailHint ?? "" } });
  const pwForm = useForm<z.infer<typeof passwordStep>>({ resolver: zodResolver(passwordStep), defaultValues: { password: "" } });

  useEffect(() => {
    if (!emailHint) {
      const last = window.localStorage.getItem(LAST_EMAIL_KEY);
      if (last) emailForm.setValue("email", last);
    }
  }, [emailHint, emailForm]);

  async function onEmail({ email }: z.infer<typeof emailStep>) {
    setError(null);
    const normalized = email.trim().toLowerCase();
    setEmail(normalized);
    window.localStorage.setItem(LAST_EMAIL_KEY, normalized);
    try {
      const res = await fetch("/auth/sso/discover", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: normalized, return_to: next }),
      });
      if (res.ok) {
        const body = (await res.json()) as Sso;
        setSso(body);
        setStep("sso");
        return;
      }
    } catch {
      /* discovery unavailable: fall back to password */
    }
    setStep("password");
  }

  async function onPassword({ password }: z.infer<typeof passwordStep>) {
    setError(null);
    const res = await signIn("password", { email, password, redirect: false });
    if (!res || res.error || !res.ok) {
      const code = res?.error ?? "INTERNAL";
      if (code === "SSO_REQUIRED") {
        await onEmail({ email });
      }
      setError(MESSAGES[code] ?? MESSAGES.INVALID_CREDENTIALS!);
      return;
    }
    router.replace(next ?? "/");
    router.refresh();
  }

  return (
    <div className="space-y-5">
      {error && (
        <div role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 ring-1 ring-inset ring-red-200">
          {error}
        </div>
      )}

      {step === "email" && (
        <form onSubmit={emailForm.handleSubmit(onEmail)} noValidate className="space-y-4">
          <Field id="email" label="Work email" error={emailForm.formState.errors.email?.message}>
            <Input id="email" type="email" autoComplete="email" autoFocus placeholder="you@company.com" invalid={!!emailForm.formState.errors.email} {...emailForm.register("email")} />
          </Field>
          <Button type="submit" className="w-full" pending={emailForm.formState.isSubmitting}>
            Continue
          </Button>
        </form>
      )}

      {step === "sso" && sso && (
        <div className="space-y-4">
          <p className="text-sm text-slate-600">
            <span className="font-medium text-slate-900">{email}</span> signs in with single sign-on.
          </p>
          <Button type="button" className="w-full" onClick={() => window.location.assign(sso.redirect)}>
            Continue with {sso.name ?? "SSO"}
          </Button>
          <button type="button" onClick={() => setStep("email")} className="w-full text-center text-sm text-slate-500 hover:text-slate-700">
            Use a different email
          </button>
        </div>
      )}

      {step === "password" && (
        <form onSubmit={pwForm.handleSubmit(onPassword)} noValidate className="space-y-4">
          <div className="flex items-center justify-between rounded-md bg-slate-50 px-3 py-2 text-sm">
            <span className="truncate text-slate-700">{email}</span>
            <button type="button" onClick={() => setStep("email")} className="ml-2 shrink-0 font-medium text-brand-600 hover:text-brand-700">
              Change
            </button>
          </div>
          <Field id="password" label="Password" error={pwForm.formState.errors.password?.message}>
            <Input id="password" type="password" autoComplete="current-password" autoFocus invalid={!!pwForm.formState.errors.password} {...pwForm.register("password")} />
          </Field>
          <Button type="submit" className="w-full" pending={pwForm.formState.isSubmitting}>
            Sign in
          </Button>
        </form>
      )}
    </div>
  );
}
