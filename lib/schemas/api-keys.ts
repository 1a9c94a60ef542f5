import { z } from "zod";

/** Create an API key (console form, server action and CLI). */
export const apiKeyCreateSchema = z.object({
  name: z.string().trim().min(1, "Give the key a name").max(100, "At most 100 characters"),
});
export type ApiKeyCreateInput = z.infer<typeof apiKeyCreateSchema>;

export const apiKeyRevokeSchema = z.object({
  id: z.string().uuid(),
});
