import { and, eq, inArray } from "drizzle-orm";
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
