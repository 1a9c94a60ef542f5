import { z } from "zod";
import { checkDomain, DOMAIN_INVALID_MESSAGES } from "@/lib/domains/normalize";

/**
 * Zod schemas for domains, discovery and enforcement: shared by forms, actions, routes and OpenAPI.
 * Browser-safe; imports nothing from services.
 */

export const ENFORCEMENT_MODES = ["off", "sso_provisioned_users", "verified_domains"] as const;
export type EnforcementMode = (typeof ENFORCEMENT_MODES)[number];

/** A domain as typed; refined with the same check the service applies (inline form errors). */
export const domainInputSchema = z
  .string()
  .trim()
  .min(1, "Enter a domain, e.g. example.com")
  .max(300, "Too long for a domain")
  .superRefine((value, ctx) => {
    const check = checkDomain(value);
    if (!check.ok) ctx.addIssue({ code: "custom", message: DOMAIN_INVALID_MESSAGES[check.reason] });
  })
  .meta({
    description: "A registrable domain, e.g. example.com (normalised: lowercase, IDN → punycode, no scheme/path/port/trailing dot).",
    example: "example.com",
  });

export const domainCreateSchema = z.object({ domain: domainInputSchema });
export type DomainCreateInput = z.infer<typeof domainCreateSchema>;

/** Route a domain's sign-ins to a connection of the workspace, or null to unroute. */
export const domainRouteSchema = z.object({
  connectionId: z
    .uuid("Use a connection ID")
    .nullable()
    .meta({ description: "An active connection of this workspace, or null to unroute." }),
});

export const discoverySchema = z.object({
  email: z.string().trim().min(1, "Enter your email").max(320),
  return_to: z.string().max(2048).optional().nullable(),
});

export const enforcementModeSchema = z.enum(ENFORCEMENT_MODES).meta({
  description:
    "off; sso_provisioned_users: members provisioned by SSO must use SSO; verified_domains: every address in the workspace's verified domains must use SSO.",
});

export const enforcementUpdateSchema = z.object({
  mode: enforcementModeSchema,
  confirm: z.boolean().optional().meta({
    description:
      "Apply despite lock-out warnings: send `true` to confirm. Without it, a change with lock-out warnings is refused with 409 `ENFORCEMENT_CONFIRMATION_REQUIRED` and `detail.warnings` (nothing is skipped silently).",
  }),
});

/** A draft of the enforcement settings to preview before saving (console). */
export const enforcementPreviewSchema = z.object({ mode: enforcementModeSchema, ownersBreakGlass: z.boolean().optional() });

/** Owners are break-glass by default; turning it off needs the workspace slug typed as confirmation. */
export const ownersBreakGlassSchema = z.object({
  ownersBreakGlass: z.boolean(),
  confirmation: z.string().trim().max(100).optional(),
});

/** Let one member keep signing in with a password while SSO is enforced (owners only). */
export const breakGlassSchema = z.object({ membershipId: z.uuid(), breakGlass: z.boolean() });

// ── API output ─────────────────────────────────────────────────────────────

export const DomainDtoSchema = z
  .object({
    id: z.uuid(),
    domain: z.string().meta({ example: "example.com" }),
    status: z.enum(["pending", "verified", "failing"]).meta({
      description:
        "pending: TXT record not found yet; verified: owned and routable; failing: was verified, the record has since disappeared (still owned, not routed).",
    }),
    verification_record: z.object({
      type: z.literal("TXT"),
      name: z.string().meta({ example: "_gatehouse-challenge.example.com" }),
      value: z.string().meta({ example: "gatehouse-verification=3q2-7w…" }),
    }),
    verified_at: z.string().nullable().meta({ format: "date-time" }),
    last_checked_at: z.string().nullable().meta({ format: "date-time" }),
    last_check_error: z
      .enum(["DNS_RECORD_MISSING", "DNS_RECORD_MISMATCH", "DNS_ERROR", "DOMAIN_TAKEN"])
      .nullable()
      .meta({ description: "Why the last check failed, or null." }),
    connection_id: z.uuid().nullable().meta({ description: "The connection sign-ins for this domain are routed to." }),
    created_at: z.string().meta({ format: "date-time" }),
  })
  .meta({ id: "Domain" });
export type DomainDto = z.infer<typeof DomainDtoSchema>;

export const EnforcementWarningSchema = z.object({
  code: z.enum(["NO_ACTIVE_CONNECTION", "LOCKS_YOU_OUT", "LOCKS_OUT_OWNERS", "UNROUTED_DOMAINS", "NO_VERIFIED_DOMAINS"]),
  /** danger: needs explicit confirmation; info: shown only. */
  severity: z.enum(["danger", "info"]),
  message: z.string(),
  detail: z.record(z.string(), z.unknown()).optional(),
});
export type EnforcementWarning = z.infer<typeof EnforcementWarningSchema>;

export const EnforcementDtoSchema = z
  .object({ mode: enforcementModeSchema, warnings: z.array(EnforcementWarningSchema) })
  .meta({ id: "Enforcement" });
export type EnforcementDto = z.infer<typeof EnforcementDtoSchema>;
