import type { EnforcementMode } from "@/lib/schemas/domains";

/**
 * Who SSO enforcement covers, as one pure rule shared by sign-in, sessions, the preview and the
 * self-lock-out check. A person is enforced only when all of these hold:
 * - the workspace's mode is not off;
 * - their email's domain is verified by the workspace AND routed to a connection that can sign
 *   people in (active, with IdP metadata), so "Continue with <IdP>" always exists for them;
 * - verified_domains: anyone with such an address (member or not); sso_provisioned_users: only
 *   members whose membership came from SSO;
 * - they are not exempt: break-glass members, and owners while owners are break-glass (the default).
 */

export type ScopeContext = {
  mode: EnforcementMode;
  ownersBreakGlass: boolean;
  /** Verified domains routed to a connection that can sign in → that connection's name. */
  routedDomains: Map<string, string>;
};

export type ScopePerson = {
  emailDomain: string | null;
  /** Null for someone with an address in the domain who is not a member. */
  membership: { role: string; source: string; breakGlass: boolean } | null;
};

export type ScopeDecision =
  | { enforced: true; connectionName: string }
  | {
      enforced: false;
      reason: "off" | "domain_not_routed" | "not_sso_provisioned" | "break_glass" | "owner_break_glass";
    };

export function decideEnforcement(ctx: ScopeContext, p: ScopePerson): ScopeDecision {
  if (ctx.mode === "off") return { enforced: false, reason: "off" };
  const connectionName = p.emailDomain ? ctx.routedDomains.get(p.emailDomain) : undefined;
  if (connectionName === undefined) return { enforced: false, reason: "domain_not_routed" };
  if (ctx.mode === "sso_provisioned_users" && p.membership?.source !== "sso") return { enforced: false, reason: "not_sso_provisioned" };
  if (p.membership?.breakGlass) return { enforced: false, reason: "break_glass" };
  if (p.membership?.role === "owner" && ctx.ownersBreakGlass) return { enforced: false, reason: "owner_break_glass" };
  return { enforced: true, connectionName };
}

/** Why someone keeps password access, in words for the preview. */
export const KEEPS_PASSWORD_REASON: Record<Exclude<ScopeDecision, { enforced: true }>["reason"], string> = {
  off: "enforcement is off",
  domain_not_routed: "their domain is not verified and routed to a working connection",
  not_sso_provisioned: "they did not join through SSO",
  break_glass: "break-glass",
  owner_break_glass: "owner (break-glass)",
};
