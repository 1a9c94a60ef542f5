import type { Metadata } from "next";
import Link from "next/link";
import { AuthFrame } from "@/components/auth/auth-frame";
import { ResetPasswordForm } from "@/components/auth/reset-password-form";
import { describeError, isAppError } from "@/lib/errors";
import { getPasswordResetOrThrow } from "@/lib/services/password-reset";
import { getReadyDb } from "@/server/bootstrap";

// The token is in the path: never send it on in a Referer.
export const metadata: Metadata = { title: "Choose a new password", referrer: "no-referrer" };
export const dynamic = "force-dynamic";

export default async function ResetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  let email: string;
  try {
    ({ email } = await getPasswordResetOrThrow(await getReadyDb(), token));
  } catch (e) {
    if (!isAppError(e) || e.code !== "PASSWORD_RESET_INVALID") throw e;
    const d = describeError("PASSWORD_RESET_INVALID");
    return (
      <AuthFrame title="Link not valid">
        <div role="alert" className="space-y-3 text-sm text-slate-700">
          <p className="font-medium text-slate-900">{d.message}</p>
          <p>{d.hint}</p>
          <p className="flex justify-between">
            <Link href="/forgot-password" className="font-medium text-brand-600 hover:text-brand-700">
              Send a new link
            </Link>
            <Link href="/login" className="font-medium text-brand-600 hover:text-brand-700">
              Go to sign in
            </Link>
          </p>
        </div>
      </AuthFrame>
    );
  }
  return (
    <AuthFrame title="Choose a new password" subtitle={`For ${email}`}>
      <ResetPasswordForm token={token} email={email} />
    </AuthFrame>
  );
}
