import type { Metadata } from "next";
import { AuthFrame } from "@/components/auth/auth-frame";
import { ForgotPasswordForm } from "@/components/auth/forgot-password-form";
import Link from "next/link";
import { env } from "@/lib/env";
import { describeError } from "@/lib/errors";

export const metadata: Metadata = { title: "Forgot password" };
export const dynamic = "force-dynamic";

export default async function ForgotPasswordPage({ searchParams }: { searchParams: Promise<{ email?: string }> }) {
  const { email } = await searchParams;
  const e = env();
  if (e.isProduction && !e.smtpUrl) {
    const d = describeError("EMAIL_NOT_CONFIGURED");
    return (
      <AuthFrame title="Reset your password">
        <div role="alert" className="space-y-3 text-sm text-slate-700">
          <p className="font-medium text-slate-900">{d.message}</p>
          <p>Password reset links are sent by email. Ask your Gatehouse administrator to set a new password for you.</p>
          <Link href="/login" className="font-medium text-brand-600 hover:text-brand-700">
            Back to sign in
          </Link>
        </div>
      </AuthFrame>
    );
  }
  return (
    <AuthFrame title="Reset your password" subtitle="We'll email you a link to choose a new one.">
      <ForgotPasswordForm emailHint={typeof email === "string" ? email.slice(0, 320) : ""} devMail={!e.isProduction && !e.smtpUrl} />
    </AuthFrame>
  );
}
