import { z } from "zod";
import { emailSchema, slugSchema } from "./workspaces";

/** The operator's own id for an organization (their tenant id): opaque, unique when set. */
export const externalIdSchema = z
  .string()
  .trim()
  .min(1, "Required")
  .max(200, "At most 200 characters")
  .regex(/^[\x21-\x7e]+$/, "Visible ASCII characters only");

/** POST /api/v1/organizations (operator key). */
export const organizationCreateSchema = z.object({
  name: z.string().trim().min(1, "Required").max(100),
  slug: slugSchema,
  externalId: externalIdSchema.nullish(),
  /** A first owner (the account is created when the email is new; they sign in by SSO or set a password). */
  ownerEmail: emailSchema.nullish(),
});
export type OrganizationCreateInput = z.input<typeof organizationCreateSchema>;

/** PATCH /api/v1/organizations/{id}: the slug stays (it is in console URLs people bookmarked). */
export const organizationUpdateSchema = z.object({
  name: z.string().trim().min(1, "Required").max(100).optional(),
  externalId: externalIdSchema.nullish(),
});
export type OrganizationUpdateInput = z.input<typeof organizationUpdateSchema>;

export const organizationDtoSchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    external_id: z.string().nullable().meta({ description: "Your own id for this organization (your tenant id)." }),
    sso_enforcement: z.enum(["off", "sso_provisioned_users", "verified_domains"]),
    created_at: z.string(),
  })
  .meta({ id: "Organization" });
export type OrganizationDto = z.infer<typeof organizationDtoSchema>;

export const organizationListQuerySchema = z.object({
  cursor: z.string().max(500).optional().meta({ description: "`meta.next_cursor` of the previous page." }),
  limit: z.coerce.number().int().min(1).max(200).optional().meta({ description: "Page size (default 50, at most 200)." }),
  externalId: externalIdSchema.optional().meta({ description: "Only the organization with this external id." }),
});
