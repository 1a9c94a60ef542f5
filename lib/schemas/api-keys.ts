import { z } from "zod";
import { ROLES } from "@/lib/auth/roles";

/**
 * What a key may do: `read_only` keys may only read (GET); `read_write` keys may also change what their
 * role allows.
 */
export const API_KEY_SCOPES = ["read_only", "read_write"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/**
 * Create an API key (console form, server action and CLI). A member's key carries their own role (or a
 * lower one they choose), never more; the operator's keys are admin unless made with role owner.
 */
export const apiKeyCreateSchema = z.object({
  name: z.string().trim().min(1, "Give the key a name").max(100, "At most 100 characters"),
  scope: z.enum(API_KEY_SCOPES).default("read_write"),
  role: z.enum(ROLES).optional(),
});
export type ApiKeyCreateInput = z.input<typeof apiKeyCreateSchema>;

export const apiKeyRevokeSchema = z.object({
  id: z.string().uuid(),
});
