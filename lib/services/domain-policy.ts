import type { Db } from "@/db";

export type SsoDomainPolicy = {
  /** The email's domain is verified by this workspace. */
  emailDomainVerified: boolean;
  /** The workspace has at least one verified domain. */
  workspaceHasVerifiedDomains: boolean;
};

/**
 * What the workspace's verified domains say about an asserted email (used at the ACS).
 * Placeholder until verified domains land: nothing is verified.
 */
export async function getSsoDomainPolicy(_db: Db, _workspaceId: string, _email: string): Promise<SsoDomainPolicy> {
  return { emailDomainVerified: false, workspaceHasVerifiedDomains: false };
}
