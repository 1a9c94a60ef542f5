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

// ── REST API (/api/v1/members) ──────────────────────────────────────────────
export const memberListQuerySchema = z.object({
  cursor: z.string().max(500).optional().meta({ description: "`meta.next_cursor` of the previous page." }),
  limit: z.coerce.number().int().min(1).max(200).optional().meta({ description: "Page size (default 100, at most 200)." }),
});

export const memberUpdateSchema = z
  .object({
    role: roleSchema
      .optional()
      .meta({ description: "New role. Only owners grant or change admin/owner; API keys act as admin (editor/viewer only)." }),
    disabled: z.boolean().optional().meta({ description: "Disable (true) or re-enable (false) the membership." }),
  })
  .refine((v) => v.role !== undefined || v.disabled !== undefined, { message: "Give role and/or disabled", path: ["role"] });

export const memberInviteResultSchema = z
  .object({
    member: memberDtoSchema,
    invitation: invitationDtoSchema.extend({
      invite_url: z.string().nullable().meta({
        description:
          "The one-time link (also emailed to the person when the server has SMTP_URL). Shown once: only its hash is stored, so a replay of the request (same Idempotency-Key, header `Idempotent-Replayed: true`) returns null. To get a new link, POST again with a new Idempotency-Key: it replaces the invitation.",
      }),
    }),
  })
  .meta({ id: "MemberInvitation" });
