import { and, eq, inArray, ne } from "drizzle-orm";
import type { Db } from "@/db";
import { domains } from "@/db/schema";
import { emailDomain } from "@/lib/domains/normalize";

export type SsoDomainPolicy = {
  /** The email's domain is verified by this workspace (status verified; a failing domain no longer proves ownership). */
  emailDomainVerified: boolean;
  /**
   * The workspace has at least one verified domain. Failing domains count here: a record that
   * disappeared must not silently loosen "emails must be in the verified domains".
   */
  workspaceHasVerifiedDomains: boolean;
};

/** The workspace's domains that count for the SSO domain rule: verified, and verified-then-failing. */
export type RuleDomain = { domain: string; status: string };

/** What the workspace's verified domains say about an asserted email (used at the ACS). */
export async function getSsoDomainPolicy(db: Db, workspaceId: string, email: string): Promise<SsoDomainPolicy> {
  const rows = await db
    .select({ domain: domains.domain, status: domains.status })
    .from(domains)
    .where(and(eq(domains.workspaceId, workspaceId), inArray(domains.status, RULE_DOMAIN_STATUSES)));
  return ssoDomainPolicyOf(rows, email);
}

export const RULE_DOMAIN_STATUSES: ("verified" | "failing")[] = ["verified", "failing"];

/** getSsoDomainPolicy over rows already read (the workspace's verified and failing domains). */
export function ssoDomainPolicyOf(rows: RuleDomain[], email: string): SsoDomainPolicy {
  const domain = emailDomain(email);
  return {
    emailDomainVerified: !!domain && rows.some((r) => r.domain === domain && r.status === "verified"),
    workspaceHasVerifiedDomains: rows.length > 0,
  };
}

/**
 * The email's domain is verified (or verified and now failing) by ANOTHER workspace. A verified domain
 * belongs to one workspace: no other workspace's IdP may sign in, create or link an account of that
 * domain — otherwise an account it made or linked would reach the owner's workspace.
 */
export async function isEmailDomainOwnedElsewhere(db: Db, workspaceId: string, email: string): Promise<boolean> {
  const domain = emailDomain(email);
  if (!domain) return false;
  const [row] = await db
    .select({ id: domains.id })
    .from(domains)
    .where(and(eq(domains.domain, domain), ne(domains.workspaceId, workspaceId), inArray(domains.status, RULE_DOMAIN_STATUSES)))
    .limit(1);
  return !!row;
}

/**
 * The SSO domain rule for one email at a workspace: it is outside when the connection (or, by default,
 * a workspace with verified domains) requires verified domains and the email's domain is not one of
 * them, or when another workspace verified its domain (that workspace's IdPs alone sign those accounts in).
 */
export async function checkSsoDomainRule(
  db: Db,
  workspaceId: string,
  requireVerifiedDomains: boolean | null,
  email: string,
): Promise<{ policy: SsoDomainPolicy; outside: boolean }> {
  const policy = await getSsoDomainPolicy(db, workspaceId, email);
  const outside =
    isOutsideSsoDomainRule(policy, requireVerifiedDomains, false) ||
    (!policy.emailDomainVerified && (await isEmailDomainOwnedElsewhere(db, workspaceId, email)));
  return { policy, outside };
}

/** The rule over facts already read; `ownedElsewhere`: another workspace verified (or verified, now failing) the email's domain. */
export function isOutsideSsoDomainRule(policy: SsoDomainPolicy, requireVerifiedDomains: boolean | null, ownedElsewhere: boolean): boolean {
  const requireVerified = requireVerifiedDomains ?? policy.workspaceHasVerifiedDomains;
  return (requireVerified && !policy.emailDomainVerified) || (!policy.emailDomainVerified && ownedElsewhere);
}
