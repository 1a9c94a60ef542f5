import { z } from "zod";

/**
 * Audit log filters, as they appear in the URL (shareable): the console page, its CSV export and
 * any later API use this one schema. Empty values mean "no filter".
 */
const optional = (schema: z.ZodString) =>
  z
    .preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : typeof v === "string" ? v.trim() : v), schema.optional())
    .optional();

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Use a date like 2026-01-31");

export const auditFilterSchema = z.object({
  /** Part of the actor's email or API key name; "system" for entries without a user or key. */
  actor: optional(z.string().max(200)),
  /** An action ("domain.verified") or a prefix ("domain"). */
  action: optional(
    z
      .string()
      .max(100)
      .regex(/^[a-z0-9_.]+$/, "Letters, digits, dots and underscores, e.g. member.role_changed"),
  ),
  /** Part of the target's name (email, domain, connection name), its exact ID, or its type. */
  target: optional(z.string().max(200)),
  from: optional(day),
  to: optional(day),
});
export type AuditFilter = z.infer<typeof auditFilterSchema>;

/** The filter as URL query parameters (only those set). */
export function auditFilterQuery(f: AuditFilter, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (typeof v === "string" && v) q.set(k, v);
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : "";
}
