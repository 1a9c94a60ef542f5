import { z } from "zod";
import { MAPPABLE_ROLES } from "@/lib/auth/roles";

/** A role an IdP may grant: admin, editor or viewer — never owner. */
export const mappableRoleSchema = z.enum(MAPPABLE_ROLES, {
  error: "Role must be admin, editor or viewer (owner is never granted by an IdP)",
});

const attributeSchema = z.string().trim().min(1, "Required").max(512, "At most 512 characters");
const valueSchema = z.string().trim().min(1, "Required").max(512, "At most 512 characters");
const rulesSchema = z.array(z.object({ attribute: attributeSchema, value: valueSchema, role: mappableRoleSchema }));

/** One rule: when the assertion's `attribute` carries `value`, the user gets `role`. */
export const roleMappingRuleSchema = rulesSchema.element;
export type RoleMappingRuleInput = z.input<typeof roleMappingRuleSchema>;
export type RoleMappingRule = z.output<typeof roleMappingRuleSchema>;

/** The full, ordered list of a connection's rules (replace = PUT semantics); each save bumps the connection's version. */
export const roleMappingsReplaceSchema = z.object({
  rules: rulesSchema.max(200, "At most 200 rules per connection"),
  version: z.number().int().min(1).optional().meta({
    description:
      "The connection's `version` you read: if it changed since, 409 VERSION_CONFLICT and nothing changes. Without it the list is replaced as is.",
  }),
});

/** The console's rule editor: always saved against the connection version it loaded. */
export const roleMappingsSaveSchema = roleMappingsReplaceSchema.required({ version: true });
export type RoleMappingsSaveInput = z.input<typeof roleMappingsSaveSchema>;

/** "Preview": which role the (unsaved) rules give someone whose `attribute` carries `values`. */
export const roleMappingPreviewSchema = z.object({
  rules: rulesSchema.max(200, "At most 200 rules per connection"),
  attribute: attributeSchema,
  values: z.array(valueSchema).max(200),
});
export type RoleMappingPreviewInput = z.input<typeof roleMappingPreviewSchema>;

/** Output shape of a stored rule (API and console). */
export const roleMappingDtoSchema = z.object({
  id: z.string(),
  position: z.number().int(),
  attribute: z.string(),
  value: z.string(),
  role: mappableRoleSchema,
});
export type RoleMappingDto = z.infer<typeof roleMappingDtoSchema>;
