import { z } from "zod";

export const SETUP_LINK_PURPOSES = ["sso", "domains", "directory"] as const;
export type SetupLinkPurpose = (typeof SETUP_LINK_PURPOSES)[number];
export const SETUP_LINK_DEFAULT_DAYS = 7;
export const SETUP_LINK_MAX_DAYS = 30;

/** Create a setup link (console form, server action, REST and CLI). */
export const setupLinkCreateSchema = z.object({
  name: z.string().trim().min(1, "Give the link a name, e.g. the IT admin's name").max(100, "At most 100 characters").optional(),
  purpose: z.enum(SETUP_LINK_PURPOSES, { error: "Choose sso, domains or directory" }),
  expiresInDays: z.coerce
    .number()
    .int("Whole days only")
    .min(1, "At least 1 day")
    .max(SETUP_LINK_MAX_DAYS, `At most ${SETUP_LINK_MAX_DAYS} days`)
    .default(SETUP_LINK_DEFAULT_DAYS),
});
export type SetupLinkCreateInput = z.input<typeof setupLinkCreateSchema>;
export type SetupLinkCreateData = z.output<typeof setupLinkCreateSchema>;

export const setupLinkRevokeSchema = z.object({ id: z.uuid() });

/** The token as it appears in the URL fragment: 43 base64url characters (256 bits). */
export const setupLinkTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

// ── Output shapes (documented in OpenAPI; produced by toSetupLinkJson) ─────────────
export const setupLinkDtoSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    purpose: z.enum(SETUP_LINK_PURPOSES),
    status: z.enum(["active", "completed", "expired", "revoked"]),
    created_by: z.string().nullable(),
    expires_at: z.string(),
    revoked_at: z.string().nullable(),
    completed_at: z.string().nullable(),
    last_used_at: z.string().nullable(),
    created_at: z.string(),
  })
  .meta({ id: "SetupLink" });

export const setupLinkCreatedDtoSchema = setupLinkDtoSchema
  .extend({
    url: z.string().meta({
      description: "Send this to the IT admin. Shown once: the token is only in its fragment (`/setup#…`), and only its hash is stored.",
    }),
  })
  .meta({ id: "SetupLinkCreated" });
