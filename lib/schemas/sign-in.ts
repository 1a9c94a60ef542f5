import { z } from "zod";
import { emailSchema } from "./workspaces";

/** The login page, step 1: who is signing in (discovery decides SSO or password next). */
export const signInEmailSchema = z.object({ email: emailSchema });
export type SignInEmail = z.output<typeof signInEmailSchema>;

/** The login page, password step. */
export const signInPasswordSchema = z.object({ password: z.string().min(1, "Enter your password") });
export type SignInPassword = z.output<typeof signInPasswordSchema>;
