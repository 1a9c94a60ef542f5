/**
 * Gatehouse's claims and the scopes that release them. Pure: the facts are read by
 * lib/services/oidc-accounts.ts. Claims without a value are left out (OIDC Core §5.3.2), except
 * `groups`, which is always an array.
 */
export const SCOPE_CLAIMS = {
  openid: ["sub", "sid", "auth_time", "amr"],
  email: ["email", "email_verified"],
  profile: ["name", "given_name", "family_name"],
  organization: ["org_id", "org_slug", "org_external_id", "role", "connection_id", "idp"],
  groups: ["groups"],
} as const;

export const SUPPORTED_SCOPES = ["openid", "email", "profile", "organization", "groups", "offline_access"] as const;

export type ClaimFacts = {
  user: { id: string; email: string; name: string | null; firstName: string | null; lastName: string | null };
  organization?: {
    id: string;
    slug: string;
    externalId: string | null;
    role: string;
    emailVerified: boolean;
    connection: { id: string; idpType: string } | null;
    groups: string[];
  };
};

export function buildClaims(facts: ClaimFacts, extra: { sid?: string | null } = {}): Record<string, unknown> {
  const { user, organization: org } = facts;
  const name = user.name ?? ([user.firstName, user.lastName].filter(Boolean).join(" ") || null);
  const claims: Record<string, unknown> = {
    sub: user.id,
    email: user.email,
    // Verified only where this organization proved control of the email's domain (DNS TXT).
    email_verified: org?.emailVerified ?? false,
    name,
    given_name: user.firstName,
    family_name: user.lastName,
    sid: extra.sid ?? null,
  };
  if (org) {
    Object.assign(claims, {
      org_id: org.id,
      org_slug: org.slug,
      org_external_id: org.externalId,
      role: org.role,
      connection_id: org.connection?.id ?? null,
      idp: org.connection?.idpType ?? null,
      groups: org.groups,
    });
  }
  return Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== null && v !== undefined));
}
