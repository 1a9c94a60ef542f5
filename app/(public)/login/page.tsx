import { Logo } from "@/components/ui/logo";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { LoginForm } from "@/components/auth/login-form";
import { getSessionUser } from "@/lib/auth/session";
import { safeRelativePath } from "@/lib/schemas/connections";

export const metadata: Metadata = { title: "Sign in" };

type Props = {
  searchParams: Promise<{ email?: string; next?: string; error?: string; password?: string; reauth?: string; signed_out?: string }>;
};

/** After sign-out (POST /auth/sign-out, and SAML single logout's return): what happened. */
const SIGNED_OUT: Record<string, { title: string; text: string; tone: "ok" | "warn" }> = {
  local: { title: "You are signed out.", text: "Your Gatehouse session has ended.", tone: "ok" },
  idp: {
    title: "You are signed out.",
    text: "Your Gatehouse session has ended, and your identity provider confirmed that it signed you out too.",
    tone: "ok",
  },
  idp_partial: {
    title: "You are signed out of Gatehouse.",
    text: "Your identity provider reported that it could not sign you out of every application. Close the browser to end your session there.",
    tone: "warn",
  },
};

export default async function LoginPage({ searchParams }: Props) {
  const params = await searchParams;
  const next = safeNext(params.next);
  // reauth=1: an application asked for a fresh sign-in (OpenID Connect prompt=login / max_age), so a
  // live session does not skip the form.
  if (params.reauth !== "1" && (await getSessionUser())) redirect(next ?? "/");
  const signedOut = params.signed_out ? SIGNED_OUT[params.signed_out] : undefined;
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm">
        <div className="mb-8 text-center">
          <Logo size={44} className="mx-auto mb-3" />
          <h1 className="text-2xl font-semibold tracking-tight">Sign in to Gatehouse</h1>
          <p className="mt-1 text-sm text-slate-500">Use your work email. If your company uses SSO, we&apos;ll send you there.</p>
        </div>
        {signedOut && (
          <div
            role="status"
            className={`mb-4 rounded-md p-3 text-sm ring-1 ${signedOut.tone === "ok" ? "bg-emerald-50 text-emerald-900 ring-emerald-200" : "bg-amber-50 text-amber-900 ring-amber-200"}`}
          >
            <p className="font-medium">{signedOut.title}</p>
            <p className="mt-1">{signedOut.text}</p>
          </div>
        )}
        <div className="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
          <LoginForm emailHint={params.email} next={next} initialError={params.error} passwordOnly={params.password === "1"} />
        </div>
      </div>
    </main>
  );
}

/** Only a same-origin path ("/\t/evil.test" or "/.//evil.test" would leave the site once a browser resolves it). */
function safeNext(next: string | undefined): string | undefined {
  return safeRelativePath(next) ?? undefined;
}
