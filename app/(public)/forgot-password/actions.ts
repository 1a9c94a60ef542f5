"use server";

import { headers } from "next/headers";
import { runAction, type ActionResult } from "@/lib/http/action-result";
import { clientIp } from "@/lib/http/client-ip";
import { passwordResetRequestSchema, type PasswordResetRequestInput } from "@/lib/schemas/password-reset";
import { requestPasswordReset } from "@/lib/services/password-reset";
import { getReadyDb } from "@/server/bootstrap";

/** "Forgot password?": the same answer whether or not the address has an account. */
export async function requestPasswordResetAction(input: PasswordResetRequestInput): Promise<ActionResult<{ email: string }>> {
  return runAction("request password reset", async () => {
    const { email } = passwordResetRequestSchema.parse(input);
    await requestPasswordReset(await getReadyDb(), { email, ip: clientIp(await headers()) });
    return { email };
  });
}
