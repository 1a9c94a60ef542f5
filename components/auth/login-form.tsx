"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { useForm } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/input";
import { signInEmailSchema, signInPasswordSchema, type SignInEmail, type SignInPassword } from "@/lib/schemas/sign-in";

const LAST_EMAIL_KEY = "gatehouse:last-email";

const MESSAGES: Record<string, string> = {
  INVALID_CREDENTIALS: "Wrong email or password.",
  TOO_MANY_ATTEMPTS: "Too many failed attempts. Wait a few minutes and try again.",
  SSO_REQUIRED: "Your organization requires single sign-on: enter your work email and continue with your company’s identity provider.",
  SAML_LOGIN_TICKET_INVALID: "That sign-in link expired. Please sign in again.",
  RATE_LIMITED: "Too many attempts from your network. Wait a minute and try again.",
  INTERNAL: "Something went wrong on our side. Please try again.",
};

const SSO_REQUIRED_NO_CONNECTION =
  "Your organization requires single sign-on, but no SSO connection answers for this address right now. An owner of your workspace can fix this: route your email domain to a working connection in Settings → Domains, or give you break-glass access.";

type Sso = { redirect: string; name?: string; enforced?: boolean };
type Step = "email" | "password" | "sso";

/**
 * Email first. Discovery decides the next step: a verified, routed domain → "Continue with <IdP>";
 * anything else → the password step. `passwordOnly` (?password=1) skips discovery: break-glass
 * members of an enforcing workspace sign in with their password there.
 */
export function LoginForm({
  emailHint,
  next,
  initialError,
  passwordOnly,
}: {
  emailHint?: string;
  next?: string;
  initialError?: string;
  passwordOnly?: boolean;
}) {
  const router = useRouter();
  const [step, setStep] = useState<Step>("email");
  const [email, setEmail] = useState("");
  const [sso, setSso] = useState<Sso | null>(null);
  const [redirecting, setRedirecting] = useState(false);
  const [error, setError] = useState<string | null>(initialError ? (MESSAGES[initialError] ?? null) : null);
  const autoSubmitted = useRef(false);

  const emailForm = useForm<SignInEmail>({ resolver: zodResolver(signInEmailSchema), defaultValues: { email: emailHint ?? "" } });
  const pwForm = useForm<SignInPassword>({ resolver: zodResolver(signInPasswordSchema), defaultValues: { password: "" } });

  /** POST /auth/sso/discover; null when the email has no SSO (or discovery is unavailable). */
  const discover = useCallback(
    async (address: string, force = false): Promise<Sso | null> => {
      if (passwordOnly && !force) return null;
      try {
        const res = await fetch("/auth/sso/discover", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email: address, return_to: next }),
        });
        if (res.ok) return (await res.json()) as Sso;
        if (res.status === 429) setError(MESSAGES.RATE_LIMITED!);
      } catch {
        /* discovery unavailable: fall back to password */
      }
      return null;
    },
    [next, passwordOnly],
  );

  const onEmail = useCallback(
    async ({ email }: SignInEmail) => {
      // Trimmed and lowercased by the schema.
      setError(null);
      setEmail(email);
      window.localStorage.setItem(LAST_EMAIL_KEY, email);
      const found = await discover(email);
      setSso(found);
      setStep(found ? "sso" : "password");
    },
    [discover],
  );

  useEffect(() => {
    if (!emailHint) {
      const last = window.localStorage.getItem(LAST_EMAIL_KEY);
      if (last) emailForm.setValue("email", last);
      return;
    }
    // A valid ?email= hint goes straight to the next step (SSO or password).
    if (!autoSubmitted.current && signInEmailSchema.safeParse({ email: emailHint }).success) {
      autoSubmitted.current = true;
      void emailForm.handleSubmit(onEmail)();
    }
  }, [emailHint, emailForm, onEmail]);

  async function onPassword({ password }: SignInPassword) {
    setError(null);
    const res = await signIn("password", { email, password, redirect: false }).catch(() => null);
    if (!res || res.error || !res.ok) {
      const code = res?.error ?? "INTERNAL";
      // Refused by the IP allowlist of every workspace of this person: the page (a route handler) says which address was seen.
      // eslint-disable-next-line @next/next/no-location-assign-relative-destination -- a route handler, not a Next page
      if (code === "IP_NOT_ALLOWED") return window.location.assign("/auth/ip-refused");
      if (code === "SSO_REQUIRED") {
        // The account must use SSO: offer the SSO path instead of the password form.
        // Even on the break-glass path (?password=1): the refusal must come with the way in.
        const found = await discover(email, true);
        pwForm.reset({ password: "" });
        if (found) {
          setSso({ ...found, enforced: true });
          setStep("sso");
          setError(`Your organization requires single sign-on. Continue with ${found.name ?? "SSO"} below.`);
        } else {
          // No way in through SSO from here: say who can fix it rather than leave a dead end.
          setError(SSO_REQUIRED_NO_CONNECTION);
        }
        return;
      }
      setError(MESSAGES[code] ?? MESSAGES.INVALID_CREDENTIALS!);
      return;
    }
    // The OpenID Connect provider's sign-in step lives outside Next: a full navigation, never a client-side fetch of it.
    if (next?.startsWith("/oidc/")) {
      window.location.assign(next);
      return;
    }
    router.replace(next ?? "/");
    router.refresh();
  }

  function goToSso() {
    if (!sso) return;
    setRedirecting(true);
    window.location.assign(sso.redirect);
  }

  function changeEmail() {
    setError(null);
    setSso(null);
    setStep("email");
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
            <Input
              id="email"
              type="email"
              autoComplete="email"
              autoFocus
              placeholder="you@company.com"
              invalid={!!emailForm.formState.errors.email}
              {...emailForm.register("email")}
            />
          </Field>
          <Button type="submit" className="w-full" pending={emailForm.formState.isSubmitting}>
            Continue
          </Button>
          {passwordOnly && <p className="text-center text-xs text-slate-500">Password sign-in (break-glass access).</p>}
        </form>
      )}

      {step === "sso" && sso && (
        <div className="space-y-4">
          <EmailChip email={email} onChange={changeEmail} />
          <p className="text-sm text-slate-600">Your organization signs you in with single sign-on.</p>
          <Button type="button" className="w-full" autoFocus onClick={goToSso} pending={redirecting}>
            Continue with {sso.name ?? "SSO"}
          </Button>
          {sso.enforced && (
            <p className="text-center text-xs text-slate-500">
              Break-glass access?{" "}
              <a href="/login?password=1" className="font-medium text-brand-600 hover:text-brand-700">
                Sign in with a password
              </a>
            </p>
          )}
          {!sso.enforced && (
            <button
              type="button"
              onClick={() => {
                setError(null);
                setStep("password");
              }}
              className="w-full text-center text-sm text-slate-500 underline-offset-2 hover:text-slate-700 hover:underline"
            >
              Use a password instead
            </button>
          )}
        </div>
      )}

      {step === "password" && (
        <form onSubmit={pwForm.handleSubmit(onPassword)} noValidate className="space-y-4">
          <EmailChip email={email} onChange={changeEmail} />
          <Field id="password" label="Password" error={pwForm.formState.errors.password?.message}>
            <Input
              id="password"
              type="password"
              autoComplete="current-password"
              autoFocus
              invalid={!!pwForm.formState.errors.password}
              {...pwForm.register("password")}
            />
          </Field>
          <Button type="submit" className="w-full" pending={pwForm.formState.isSubmitting}>
            Sign in
          </Button>
          <ForgotPasswordLink email={email} />
        </form>
      )}
    </div>
  );
}

function EmailChip({ email, onChange }: { email: string; onChange: () => void }) {
  return (
    <div className="flex items-center justify-between rounded-md bg-slate-50 px-3 py-2 text-sm">
      <span className="truncate text-slate-700">{email}</span>
      <button type="button" onClick={onChange} className="ml-2 shrink-0 font-medium text-brand-600 hover:text-brand-700">
        Change
      </button>
    </div>
  );
}

function ForgotPasswordLink({ email }: { email: string }) {
  return (
    <p className="text-center text-sm">
      <a href={`/forgot-password?email=${encodeURIComponent(email)}`} className="font-medium text-brand-600 hover:text-brand-700">
        Forgot password?
      </a>
    </p>
  );
}
