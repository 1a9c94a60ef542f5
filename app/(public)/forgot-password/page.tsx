import type { Metadata } from "next";
import { AuthFrame } from "@/components/auth/auth-frame";
import { ForgotPasswordForm } from "@/components/auth/forgot-password-form";
import { env } from "@/lib/env";

export const metadata: Metadata = { title: "Forgot password" };
export const dynamic = "force-dynamic";

export default async function ForgotPasswordPage({ searchParams }: { searchParams: Promise<{ email?: string }> }) {
  const { email } = await searchParams;
  const e = env();
  return (
    <AuthFrame title="Reset your password" subtitle="We'll email you a link to choose a new one.">
      <ForgotPasswordForm emailHint={typeof email === "string" ? email.slice(0, 320) : ""} devMail={!e.isProduction && !e.smtpUrl} />
    </AuthFrame>
  );
}
