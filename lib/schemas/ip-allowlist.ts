import { z } from "zod";
import { parseCidr } from "@/lib/net/cidr";

/**
 * Zod schemas for a workspace's sign-in IP allowlist: shared by the console form, its server action,
 * the REST route, the CLI and OpenAPI. Browser-safe (lib/net/cidr.ts is pure).
 */

export const MAX_IP_RANGES = 100;

/**
 * The ranges as typed (one CIDR or address per entry); each invalid entry is reported at its own
 * index with a message naming it. Output: the normalised ranges, duplicates removed, in input order.
 */
export const ipRangesSchema = z
  .array(z.string().max(100, "Too long for an IP range"))
  .min(1, "Enter at least one range, or clear the allowlist to allow every address.")
  .max(MAX_IP_RANGES, `At most ${MAX_IP_RANGES} ranges.`)
  .superRefine((entries, ctx) => {
    entries.forEach((entry, i) => {
      const r = parseCidr(entry);
      if (!r.ok) ctx.addIssue({ code: "custom", path: [i], message: r.message });
    });
  })
  .transform((entries) => [...new Set(entries.map((e) => (parseCidr(e) as { ok: true; range: { text: string } }).range.text))])
  .meta({
    description:
      "CIDR ranges (IPv4 and IPv6) allowed to sign in and use sessions of this workspace. A bare address is one host; IPv4-mapped IPv6 ranges are stored as IPv4; host bits after the prefix are refused.",
    example: ["203.0.113.0/24", "2001:db8::/32"],
  });

/** Set (replace) the allowlist. */
export const ipAllowlistUpdateSchema = z.object({
  ranges: ipRangesSchema,
  exemptBreakGlassOwners: z
    .boolean()
    .default(false)
    .meta({ description: "Owners marked break-glass may sign in from anywhere. Off unless set." }),
  confirmLockout: z.string().max(200).optional().meta({
    description:
      "Required when the ranges exclude the address this request comes from: the workspace's slug, typed out. Without it the change is refused with 409 IP_ALLOWLIST_CONFIRMATION_REQUIRED.",
  }),
});
export type IpAllowlistUpdateInput = z.input<typeof ipAllowlistUpdateSchema>;
export type IpAllowlistUpdate = z.output<typeof ipAllowlistUpdateSchema>;

export const IpAllowlistDtoSchema = z
  .object({
    enabled: z.boolean().meta({ description: "True when ranges are set: sign-ins and sessions outside them are refused." }),
    ranges: z.array(z.string()).meta({ example: ["203.0.113.0/24"] }),
    exempt_break_glass_owners: z.boolean(),
    updated_at: z.string().nullable().meta({ description: "ISO 8601; null when never set." }),
    your_address: z
      .string()
      .nullable()
      .meta({ description: "The address Gatehouse sees for this request (TRUST_PROXY rules), and whether the ranges include it." }),
    your_address_allowed: z.boolean(),
  })
  .meta({ id: "IpAllowlist" });
export type IpAllowlistDto = z.infer<typeof IpAllowlistDtoSchema>;
