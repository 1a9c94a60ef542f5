import { z } from "zod";
import { MAPPABLE_ROLES } from "@/lib/auth/roles";

/** A role an IdP may grant: admin, editor or viewer — never owner. */
export const mappableRoleSchema = z.enum(MAPPABLE_ROLES, {
  error: "Role must be admin, editor or viewer (owner is never granted by an IdP)",
});

/** One rule: when the assertion's `attribute` carries `value`, the user gets `role`. */
export const roleMappingRuleSchema = z.object({
  attribute: z.string().trim().min(1, "Required").max(512, "At most 512 characters"),
  value: z.string().trim().min(1, "Required").max(512, "At most 512 characters"),
  role: mappableRoleSchema,
});
export type RoleMappingRuleInput = z.input<typeof roleMappingRuleSchema>;

/** The full, ordered list of a connection's rules (replace = PUT semantics). */
export const roleMappingsReplaceSchema = z.object({
  rules: z.array(roleMappingRuleSchema).max(200, "At most 200 rules per connection"),
});
export type RoleMappingsReplaceInput = z.input<typeof roleMappingsReplaceSchema>;

/** Output shape of a stored rule (API and console). */
export const roleMappingDtoSchema = z.object({
  id: z.string(),
  position: z.number().int(),
  attribute: z.string(),
  value: z.string(),
  role: mappableRoleSchema,
});
export type RoleMappingDto = z.infer<typeof roleMappingDtoSchema>;
