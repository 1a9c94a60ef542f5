"use server";

import { runAction, type ActionResult } from "@/lib/http/action-result";
import { passwordResetSchema, type PasswordResetInput } from "@/lib/schemas/password-reset";
import { resetPassword } from "@/lib/services/password-reset";
import { getReadyDb } from "@/server/bootstrap";

/** Set a new password through a reset link; every session of the account ends. */
export async function resetPasswordAction(token: string, input: PasswordResetInput): Promise<ActionResult<{ email: string }>> {
  return runAction("reset password", async () => {
    const data = passwordResetSchema.parse(input);
    const { email } = await resetPassword(await getReadyDb(), { token: String(token), ...data });
    return { email };
  });
}
