import { z } from "zod";

export const slugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(2, "At least 2 characters")
  .max(48, "At most 48 characters")
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, "Use lowercase letters, digits and dashes; start and end with a letter or digit");

export const emailSchema = z.string().trim().toLowerCase().pipe(z.email("Enter a valid email address"));

export const passwordSchema = z.string().min(10, "At least 10 characters").max(200, "At most 200 characters");

export const workspaceCreateSchema = z.object({
  slug: slugSchema,
  name: z.string().trim().min(1, "Required").max(100),
  ownerEmail: emailSchema,
  ownerPassword: passwordSchema.optional(),
});
export type WorkspaceCreateInput = z.input<typeof workspaceCreateSchema>;
