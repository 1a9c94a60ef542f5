import { z } from "zod";
import { mappableRoleSchema } from "./role-mappings";

/** Zod schemas for directories (SCIM): console forms, server actions, CLI, REST and OpenAPI. */

/** The IdPs the console has a guided setup for; `generic` is any other SCIM 2.0 client. */
export const DIRECTORY_KINDS = ["okta", "entra", "onelogin", "jumpcloud", "generic"] as const;
export type DirectoryKind = (typeof DIRECTORY_KINDS)[number];

export const directoryKindSchema = z.enum(DIRECTORY_KINDS, { error: "Kind must be okta, entra, onelogin, jumpcloud or generic" });

export const directoryCreateSchema = z.object({
  name: z.string().trim().min(1, "Give the directory a name").max(100, "At most 100 characters"),
  kind: directoryKindSchema,
  connectionId: z.uuid("Use a connection ID").nullable().optional(),
  defaultRole: mappableRoleSchema.default("viewer"),
});
export type DirectoryCreateInput = z.input<typeof directoryCreateSchema>;

export const directoryUpdateSchema = z
  .object({
    name: z.string().trim().min(1, "Give the directory a name").max(100, "At most 100 characters").optional(),
    active: z.boolean().optional().meta({ description: "Off: every SCIM request is refused (403); nobody's access changes." }),
    connectionId: z.uuid("Use a connection ID").nullable().optional(),
    defaultRole: mappableRoleSchema.optional().meta({ description: "Role of people in no group mapped to a role." }),
    deprovisionOutsideMappedGroups: z
      .boolean()
      .optional()
      .meta({ description: "Disable people who are in none of the groups mapped to a role (access by group)." }),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: "Give at least one field to change", path: ["name"] });
export type DirectoryUpdateInput = z.input<typeof directoryUpdateSchema>;

/** Map a synced group to a role (null: the group gives no role). */
export const directoryGroupRoleSchema = z.object({ role: mappableRoleSchema.nullable() });

export const directoryTokenRotateSchema = z.object({
  overlapMinutes: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60)
    .default(60)
    .meta({ description: "How long the previous token keeps working (minutes, default 60, at most 7 days)." }),
});

export type DirectoryCreateData = z.output<typeof directoryCreateSchema>;
export type DirectoryUpdateData = z.output<typeof directoryUpdateSchema>;

export const directoryDtoSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: directoryKindSchema,
    active: z.boolean(),
    connection_id: z.string().nullable(),
    default_role: mappableRoleSchema,
    deprovision_outside_mapped_groups: z.boolean(),
    scim_base_url: z.string().meta({ description: "What the IdP calls: {APP_URL}/api/scim/v2/{id}." }),
    last_request_at: z.string().nullable(),
    created_at: z.string(),
  })
  .meta({ id: "Directory" });
export type DirectoryDto = z.infer<typeof directoryDtoSchema>;

export const directoryWithTokenSchema = directoryDtoSchema
  .extend({ token: z.string().meta({ description: "The bearer token for the IdP, shown this once (only its hash is stored)." }) })
  .meta({ id: "DirectoryWithToken" });

export const directoryTokenDtoSchema = z
  .object({
    token: z.string().meta({ description: "The new bearer token, shown this once." }),
    previous_valid_until: z.string().meta({ description: "Earlier tokens keep working until then." }),
  })
  .meta({ id: "DirectoryToken" });

export const directoryUserDtoSchema = z
  .object({
    id: z.string().meta({ description: "The SCIM id." }),
    user_name: z.string(),
    email: z.string(),
    display_name: z.string().nullable(),
    external_id: z.string().nullable(),
    active: z.boolean().meta({ description: "As the IdP last sent it." }),
    member: z
      .object({ id: z.string(), role: z.string(), disabled: z.boolean() })
      .nullable()
      .meta({ description: "The workspace membership it provisions (null: never had access)." }),
    updated_at: z.string(),
  })
  .meta({ id: "DirectoryUser" });

export const directoryGroupDtoSchema = z
  .object({
    id: z.string(),
    display_name: z.string(),
    external_id: z.string().nullable(),
    role: mappableRoleSchema.nullable(),
    members: z.number().int(),
    updated_at: z.string(),
  })
  .meta({ id: "DirectoryGroup" });
