import { z } from "zod";
import { ROLES } from "@/lib/auth/roles";
import { emailSchema, passwordSchema } from "./workspaces";

export const roleSchema = z.enum(ROLES, { error: "Role must be owner, admin, editor or viewer" });

/** Invite a person by email with a role (owners may grant admin/owner; admins editor/viewer). */
export const memberInviteSchema = z.object({
  email: emailSchema,
  role: roleSchema,
});
export type MemberInviteInput = z.input<typeof memberInviteSchema>;

export const memberRoleUpdateSchema = z.object({ role: roleSchema });
export type MemberRoleUpdateInput = z.input<typeof memberRoleUpdateSchema>;

export const memberDisableSchema = z.object({ disabled: z.boolean() });

/** Accepting an invitation by password sign-up (account without a password yet). */
export const invitationSignUpSchema = z.object({
  firstName: z.string().trim().max(100, "At most 100 characters").optional(),
  lastName: z.string().trim().max(100, "At most 100 characters").optional(),
  password: passwordSchema,
});
export type InvitationSignUpInput = z.input<typeof invitationSignUpSchema>;

export const memberDtoSchema = z.object({
  id: z.string(),
  user_id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  role: roleSchema,
  status: z.enum(["invited", "active"]),
  disabled: z.boolean(),
  source: z.enum(["password", "sso", "scim"]),
  connection: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
  break_glass: z.boolean(),
  last_sign_in_at: z.string().nullable(),
  created_at: z.string(),
});
export type MemberDto = z.infer<typeof memberDtoSchema>;

export const invitationDtoSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: roleSchema,
  status: z.enum(["pending", "expired", "accepted", "revoked"]),
  expires_at: z.string(),
  created_at: z.string(),
});
export type InvitationDto = z.infer<typeof invitationDtoSchema>;
