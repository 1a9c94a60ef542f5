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

/** What the workspace's verified domains say about an asserted email (used at the ACS). */
export async function getSsoDomainPolicy(db: Db, workspaceId: string, email: string): Promise<SsoDomainPolicy> {
  const domain = emailDomain(email);
  const rows = await db
    .select({ domain: domains.domain, status: domains.status })
    .from(domains)
    .where(and(eq(domains.workspaceId, workspaceId), inArray(domains.status, ["verified", "failing"])));
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
    .where(and(eq(domains.domain, domain), ne(domains.workspaceId, workspaceId), inArray(domains.status, ["verified", "failing"])))
    .limit(1);
  return !!row;
}
