import { and, asc, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { invitations, memberships, users, type connections, type workspaces } from "@/db/schema";
import { describeError, type ErrorCode } from "@/lib/errors";
import { roleRank, type Role } from "@/lib/auth/roles";
import { privilegedReachOf, trustApprovedOf } from "./connection-trust";
import { checkSsoDomainRule, isOutsideSsoDomainRule, ssoDomainPolicyOf, type SsoDomainPolicy } from "./domain-policy";
import { resolveRole, type MatchedRule, type RoleResolution } from "./role-mapping";
import { readProvisioningFacts } from "./sso-provisioning-facts";
import { normalizeEmail, type User } from "./users";

export type SsoIdentity = {
  nameId: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  /** Every attribute of the (signed) assertion, multi-valued. */
  attributes: Record<string, string[]>;
};

export type ProvisionInput = {
  workspace: typeof workspaces.$inferSelect;
  connection: typeof connections.$inferSelect;
  identity: SsoIdentity;
  now: Date;
  /** Client IP, recorded in the audit log of changes the sign-in makes. */
  ip?: string | null;
};

export type Membership = typeof memberships.$inferSelect;
export type Invitation = typeof invitations.$inferSelect;

/** Where the member's role comes from on this sign-in. */
export type RoleSource = "mapping" | "default" | "invitation" | "existing" | "owner";

export type Refusal = { code: ErrorCode; hint?: string; detail?: Record<string, unknown> };

export type ProvisionPlan = {
  email: string;
  names: { firstName: string | null; lastName: string | null };
  mapping: RoleResolution;
  domainPolicy: SsoDomainPolicy;
  refusal: Refusal | null;
  /** The account: found through the linked identity, an existing account to link, or a new one. */
  account: "linked" | "link_existing" | "create";
  user: User | null;
  membership: Membership | null;
  /** What happens to the membership. */
  membershipAction: "create" | "consume_invitation" | "activate" | "keep";
  invitation: Invitation | null;
  role: Role;
  roleSource: RoleSource;
  /** The rule that decided the role (null when the role did not come from mapping). */
  matchedRule: MatchedRule | null;
  /**
   * The account's email is in a domain this workspace verified: this sign-in takes the account over,
   * and its links to other workspaces' connections are removed (they could otherwise reach it later).
   */
  takeover: boolean;
};

const GIVEN_NAME_ATTRS = [
  "firstName",
  "givenName",
  "given_name",
  "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
  "urn:oid:2.5.4.42",
];
const SURNAME_ATTRS = [
  "lastName",
  "surname",
  "sn",
  "family_name",
  "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
  "urn:oid:2.5.4.4",
];

function firstAttr(attributes: Record<string, string[]>, names: string[]): string | null {
  const lower = new Map(Object.entries(attributes).map(([k, v]) => [k.toLowerCase(), v]));
  for (const n of names) {
    const v = lower.get(n.toLowerCase())?.find((x) => x.trim());
    if (v) return v.trim();
  }
  return null;
}

/** First/last name from the validator's fields, else firstName/givenName/surname or the Entra claim URIs. */
export function extractNames(identity: SsoIdentity): { firstName: string | null; lastName: string | null } {
  return {
    firstName: identity.firstName?.trim() || firstAttr(identity.attributes, GIVEN_NAME_ATTRS),
    lastName: identity.lastName?.trim() || firstAttr(identity.attributes, SURNAME_ATTRS),
  };
}

/** "Ask Jane Doe (jane@acme.com), an owner of Acme, …": names who can let the person in. */
async function notProvisionedHint(db: Db, workspace: ProvisionInput["workspace"]): Promise<string> {
  const [owner] = await db
    .select({ email: users.email, name: users.name })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.workspaceId, workspace.id),
        eq(memberships.role, "owner"),
        eq(memberships.status, "active"),
        eq(memberships.disabled, false),
      ),
    )
    .orderBy(asc(memberships.createdAt))
    .limit(1);
  const who = owner
    ? `${owner.name ? `${owner.name} (${owner.email})` : owner.email}, an owner of ${workspace.name}`
    : `an admin of ${workspace.name}`;
  return `Ask ${who}, to invite you: just-in-time provisioning is off for this connection, so only invited members can sign in.`;
}

const PRIVILEGED_HINT = {
  privileged_elsewhere:
    "This account is an owner or admin of another workspace, so this connection may not sign it in: sign in with your password, or through that workspace's own SSO.",
  not_owner_approved:
    "Owners and admins may sign in through a connection only after a current owner of the workspace approved its settings (Settings → SSO → the connection → Approve). Until then, sign in with your password.",
} as const;

/**
 * Decide what an SSO sign-in would do, reading only. `provisionSsoUser` applies the plan inside its
 * transaction; `previewSsoProvisioning` (test mode) just reports it.
 *
 * The rules, in order: the asserted email passes the domain rule; the account is the linked identity
 * (whose stored email must pass the domain rule too), else an existing account only when linkable,
 * else a new one; the membership is kept, made from a pending invitation, or provisioned just in time;
 * and an owner/admin account, owner/admin invitation or admin grant is reached only through an
 * owner-approved connection of that workspace (mayReachPrivilegedAccount). An SSO sign-in never
 * changes an account's email.
 */
export async function planProvisioning(db: Db, input: ProvisionInput): Promise<ProvisionPlan> {
  const { workspace, connection, identity, now } = input;
  const email = normalizeEmail(identity.email);
  const names = extractNames(identity);
  const facts = await readProvisioningFacts(db, { workspaceId: workspace.id, connection, email, nameId: identity.nameId, now });
  const mapping = resolveRole(facts.rules, identity.attributes, connection.defaultRole);
  const domainPolicy = ssoDomainPolicyOf(facts.workspaceDomains, email);
  const plan: ProvisionPlan = {
    email,
    names,
    mapping,
    domainPolicy,
    refusal: null,
    account: "create",
    user: null,
    membership: null,
    membershipAction: "create",
    invitation: null,
    role: mapping.role,
    roleSource: mapping.matchedRule ? "mapping" : "default",
    matchedRule: mapping.matchedRule,
    takeover: false,
  };
  const refuse = (code: ErrorCode, extra: Omit<Refusal, "code"> = {}): ProvisionPlan => ({ ...plan, refusal: { code, ...extra } });

  if (isOutsideSsoDomainRule(domainPolicy, connection.requireVerifiedDomains, facts.assertedDomainOwnedElsewhere)) {
    return refuse("SAML_EMAIL_OUTSIDE_DOMAINS", { detail: { email, domain: email.split("@")[1] ?? null } });
  }

  plan.invitation = facts.invitation;

  if (facts.linkedUser) {
    plan.account = "linked";
    plan.user = facts.linkedUser;
    // The session is for the account, not for the asserted email: its own email must pass the rule too
    // (an IdP that linked an account before its domain was verified elsewhere loses it then).
    const stored = normalizeEmail(facts.linkedUser.email);
    if (stored !== email) {
      const rule = await checkSsoDomainRule(db, workspace.id, connection.requireVerifiedDomains, stored);
      if (rule.outside) {
        return refuse("SAML_EMAIL_OUTSIDE_DOMAINS", {
          detail: { reason: "the linked account's email is in a domain this connection may not sign in" },
        });
      }
    }
  } else if (facts.emailUser) {
    const existing = facts.emailUser;
    // Claimable: a password-less, never-linked account with no membership outside this workspace (e.g. made by an invitation).
    const claimable = !existing.passwordHash && !facts.emailUserLinked && !facts.emailUserMemberElsewhere;
    const linkable = (domainPolicy.emailDomainVerified && connection.allowAccountLinking) || claimable;
    if (!linkable) {
      return refuse("SAML_ACCOUNT_NOT_LINKABLE", {
        detail: { email, emailDomainVerified: domainPolicy.emailDomainVerified, allowAccountLinking: connection.allowAccountLinking },
      });
    }
    plan.account = "link_existing";
    plan.user = existing;
  } else if (!plan.invitation && !connection.jitProvisioning) {
    return refuse("SAML_USER_NOT_PROVISIONED", {
      hint: await notProvisionedHint(db, workspace),
      detail: { email, jitProvisioning: false },
    });
  }
  if (plan.user?.disabled) return refuse("SAML_USER_DISABLED", { detail: { email } });
  if (plan.user) {
    const accountEmail = normalizeEmail(plan.user.email);
    plan.takeover =
      accountEmail === email
        ? domainPolicy.emailDomainVerified
        : ssoDomainPolicyOf(facts.workspaceDomains, accountEmail).emailDomainVerified;
    plan.membership = facts.membership;
  }
  const m = plan.membership;
  if (m?.disabled) return refuse("SAML_USER_DISABLED", { detail: { email, membershipDisabled: true } });

  const mapped = (current: Role, source: RoleSource) => {
    if (current === "owner") return { role: current, roleSource: "owner" as const, matchedRule: null };
    // A directory (SCIM) manages this member's role: SSO role mapping leaves it alone.
    if (m?.source === "scim" && m.status === "active") return { role: current, roleSource: source, matchedRule: null };
    if (connection.applyMappingEveryLogin) return { role: mapping.role, roleSource: plan.roleSource, matchedRule: mapping.matchedRule };
    return { role: current, roleSource: source, matchedRule: null };
  };

  let decided: ProvisionPlan;
  if (m && m.status === "active") {
    decided = { ...plan, membershipAction: "keep", ...mapped(m.role, "existing") };
  } else if (plan.invitation) {
    // The invited role is kept; mapping replaces it only when it applies on every sign-in.
    decided = { ...plan, membershipAction: "consume_invitation", ...mapped(plan.invitation.role, "invitation") };
  } else if (!connection.jitProvisioning) {
    return refuse("SAML_USER_NOT_PROVISIONED", {
      hint: await notProvisionedHint(db, workspace),
      detail: { email, jitProvisioning: false },
    });
  } else {
    // New membership (or an invited one whose invitation expired): JIT at the mapped or default role.
    decided = { ...plan, membershipAction: m ? "activate" : "create" };
  }

  // Owner/admin accounts and invitations, and admin grants, only through an owner-approved connection of their workspace.
  const invitedRole = decided.membershipAction === "consume_invitation" ? (plan.invitation?.role ?? null) : null;
  const reach = privilegedReachOf({
    connection,
    privileged: plan.user ? facts.privilegedWorkspaceIds : [],
    role: invitedRole && roleRank(invitedRole) > roleRank(decided.role) ? invitedRole : decided.role,
    trustApprovedByCurrentOwner: trustApprovedOf(connection, facts.approverIsActiveOwner) === true,
  });
  if (reach !== "needs_approval" && !reach.ok) {
    return {
      ...decided,
      refusal: { code: "SAML_PRIVILEGED_ACCOUNT", hint: PRIVILEGED_HINT[reach.reason], detail: { reason: reach.reason } },
    };
  }
  return decided;
}

export function refusalMessage(r: Refusal): { code: ErrorCode; message: string; hint: string } {
  const e = describeError(r.code);
  return { code: r.code, message: e.message, hint: r.hint ?? e.hint };
}
