import { z } from "zod";
import { emailSchema, passwordSchema } from "./workspaces";

/** "Forgot password?": the address to send a reset link to. */
export const passwordResetRequestSchema = z.object({ email: emailSchema });
export type PasswordResetRequestInput = z.input<typeof passwordResetRequestSchema>;

/** The reset link's form: a new password (the shared password rules), typed twice. */
export const passwordResetSchema = z
  .object({ password: passwordSchema, confirmPassword: z.string() })
  .refine((v) => v.password === v.confirmPassword, { path: ["confirmPassword"], message: "The passwords do not match" });
export type PasswordResetInput = z.input<typeof passwordResetSchema>;
