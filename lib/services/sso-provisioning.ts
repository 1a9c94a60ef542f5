import { and, eq, inArray, isNull, ne, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, invitations, linkedIdentities, memberships, users } from "@/db/schema";
import { AppError, type ErrorCode } from "@/lib/errors";
import type { Role } from "@/lib/auth/roles";
import { emitEvent } from "@/lib/webhooks/emit";
import { endAccess } from "./access-revocation";
import { recordAudit } from "./audit";
import type { MatchedRule, RoleResolution } from "./role-mapping";
import {
  planProvisioning,
  refusalMessage,
  type Membership,
  type ProvisionInput,
  type ProvisionPlan,
  type RoleSource,
} from "./sso-provisioning-plan";
import { groupsFromAttributes } from "./sso-groups";
import { findOrCreateUser, type User } from "./users";

export type { ProvisionInput, SsoIdentity } from "./sso-provisioning-plan";
export { extractNames } from "./sso-provisioning-plan";

export type ProvisionResult = {
  user: User;
  membership: Membership;
  userCreated: boolean;
  /** An existing account was linked to this connection on this sign-in. */
  accountLinked: boolean;
  /** Links of the account to other workspaces' connections removed by this sign-in (domain owner's takeover). */
  foreignLinksRemoved: number;
  invitationConsumed: boolean;
  role: Role;
  roleSource: RoleSource;
  /** The role-mapping rule that decided the role, if any (null when the role did not come from mapping). */
  matchedRule: MatchedRule | null;
  /** What the rules say for this assertion, whether or not it was applied. */
  mapping: RoleResolution;
};

export type ProvisionPreview = {
  /** What the sign-in would do. */
  outcome: "sign_in" | "create_user" | "link_account" | "refuse";
  membership: ProvisionPlan["membershipAction"] | null;
  userExists: boolean;
  invitation: { role: Role; expiresAt: string } | null;
  role: Role | null;
  roleSource: RoleSource | null;
  matchedRule: MatchedRule | null;
  mapping: RoleResolution;
  error: { code: ErrorCode; message: string; hint: string } | null;
};

/**
 * Decide who this SSO sign-in is and make their account and membership exist, in one transaction.
 * Linked identity → that user; else an existing account only when linkable (verified domain +
 * allowAccountLinking, or a password-less placeholder owned by this workspace, e.g. from an
 * invitation); a pending invitation is consumed with its role; else JIT at the mapped/default role.
 * Concurrent first sign-ins of the same email are serialised by a transaction-scoped advisory lock,
 * so exactly one account, link and membership result.
 */
export async function provisionSsoUser(db: Db, input: ProvisionInput): Promise<ProvisionResult> {
  const { workspace, connection, identity, now } = input;
  const actor = { userId: null, ip: input.ip ?? null };
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`sso-provision:${identity.email.trim().toLowerCase()}`}))`);
    const plan = await planProvisioning(tx, input);
    if (plan.refusal) {
      const r = refusalMessage(plan.refusal);
      throw new AppError(r.code, { hint: r.hint, detail: plan.refusal.detail });
    }

    let user = plan.user;
    let userCreated = false;
    if (!user) {
      const created = await findOrCreateUser(tx, {
        email: plan.email,
        firstName: plan.names.firstName,
        lastName: plan.names.lastName,
        name: joinName(plan.names.firstName, plan.names.lastName),
      });
      // Under the lock the email was free a moment ago; anything else is an account made outside SSO.
      if (!created.created) throw new AppError("SAML_ACCOUNT_NOT_LINKABLE", { detail: { email: plan.email } });
      user = created.user;
      userCreated = true;
    } else {
      user = await updateProfile(tx, user, plan, connection.syncProfileEveryLogin, now);
    }
    const accountLinked = plan.account === "link_existing";
    const foreignLinksRemoved = plan.takeover ? await removeForeignLinks(tx, { workspaceId: workspace.id, user, ip: actor.ip, now }) : 0;
    if (accountLinked || foreignLinksRemoved > 0) {
      // The account now answers to this IdP: sessions made before the link (by whoever held the
      // account until now, e.g. through another workspace's IdP or a password) end here.
      await tx
        .update(users)
        .set({
          // A password nobody proved the email for (set through an invitation link) does not survive
          // the link: otherwise whoever pre-registered the address keeps a way in.
          passwordHash: sql`case when ${users.passwordUnverified} then null else ${users.passwordHash} end`,
          passwordUnverified: false,
          updatedAt: now,
        })
        .where(eq(users.id, user.id));
      // Sessions and app tokens made before the link end here (the one place that decides it).
      await endAccess(tx, { userId: user.id, workspaceId: null, reason: "sessions_revoked" });
      [user] = (await tx.select().from(users).where(eq(users.id, user.id))) as [User];
    }
    // The groups of this latest assertion: the OpenID Connect `groups` claim reads them.
    const groups = groupsFromAttributes(connection.idpType, identity.attributes);
    const before = plan.membership;
    const returning = plan.account === "linked" && plan.membershipAction === "keep" && !!before;
    const touchLink = tx
      .update(linkedIdentities)
      .set({ lastLoginAt: now, groups })
      .where(and(eq(linkedIdentities.connectionId, connection.id), eq(linkedIdentities.nameId, identity.nameId)));
    if (plan.account !== "linked") {
      await tx
        .insert(linkedIdentities)
        .values({ connectionId: connection.id, nameId: identity.nameId, userId: user.id, lastLoginAt: now, groups })
        .onConflictDoNothing();
    } else if (!returning) {
      await touchLink;
    }

    let membership: Membership;
    let invitationConsumed = false;
    if (plan.membershipAction === "keep" && before) {
      // A returning member: the link's and the membership's last sign-in in one statement.
      const q = returning ? tx.with(tx.$with("touched_link").as(touchLink.returning({ id: linkedIdentities.id }))) : tx;
      [membership] = (await q
        .update(memberships)
        .set({ role: plan.role, lastLoginAt: now, ...(plan.role !== before.role ? { updatedAt: now } : {}) })
        .where(eq(memberships.id, before.id))
        .returning()) as [Membership];
      if (plan.role !== before.role) {
        await recordAudit(tx, workspace.id, actor, {
          action: "member.role_mapped",
          targetType: "membership",
          targetId: before.id,
          targetName: user.email,
          before: { role: before.role, email: user.email },
          after: { role: plan.role, email: user.email, connectionId: connection.id, matchedRule: plan.matchedRule },
        });
        await emitEvent(tx, {
          workspaceId: workspace.id,
          type: "membership.role_changed",
          data: {
            organization_id: workspace.id,
            user_id: user.id,
            email: user.email,
            previous_role: before.role,
            role: plan.role,
            source: "sso",
          },
          at: now,
        });
      }
    } else {
      if (plan.membershipAction === "consume_invitation" && plan.invitation) {
        const [consumed] = await tx
          .update(invitations)
          .set({ acceptedAt: now })
          .where(and(eq(invitations.id, plan.invitation.id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
          .returning({ id: invitations.id });
        invitationConsumed = !!consumed;
      }
      const values = {
        role: plan.role,
        status: "active" as const,
        source: "sso" as const,
        connectionId: connection.id,
        lastLoginAt: now,
        updatedAt: now,
      };
      if (before) {
        [membership] = (await tx.update(memberships).set(values).where(eq(memberships.id, before.id)).returning()) as [Membership];
      } else {
        [membership] = (await tx
          .insert(memberships)
          .values({ workspaceId: workspace.id, userId: user.id, invitedBy: plan.invitation?.invitedBy ?? null, ...values })
          .returning()) as [Membership];
      }
      await recordAudit(tx, workspace.id, actor, {
        action: invitationConsumed ? "invitation.accepted" : "member.provisioned",
        targetType: "membership",
        targetId: membership.id,
        targetName: user.email,
        before: before ? { role: before.role, status: before.status } : null,
        after: {
          role: plan.role,
          status: "active",
          source: "sso",
          email: user.email,
          connectionId: connection.id,
          matchedRule: plan.matchedRule,
        },
      });
      await emitEvent(tx, {
        workspaceId: workspace.id,
        type: "user.created",
        data: {
          organization_id: workspace.id,
          user_id: user.id,
          email: user.email,
          name: user.name,
          role: plan.role,
          source: "sso",
          directory_id: null,
          connection_id: connection.id,
        },
        at: now,
      });
    }
    return {
      user,
      membership,
      userCreated,
      accountLinked,
      foreignLinksRemoved,
      invitationConsumed,
      role: membership.role,
      roleSource: plan.roleSource,
      matchedRule: plan.matchedRule,
      mapping: plan.mapping,
    };
  });
}

/**
 * The domain owner's IdP takes the account over: every link of the account to a connection of
 * another workspace goes (such a link would let that IdP reach the account again, whatever email it
 * asserts). Audited in this workspace (naming each link) and in the other (without naming this one).
 */
async function removeForeignLinks(
  tx: Db,
  input: { workspaceId: string; user: { id: string; email: string }; ip: string | null | undefined; now: Date },
): Promise<number> {
  const foreign = await tx
    .select({
      id: linkedIdentities.id,
      nameId: linkedIdentities.nameId,
      connectionId: connections.id,
      workspaceId: connections.workspaceId,
    })
    .from(linkedIdentities)
    .innerJoin(connections, eq(connections.id, linkedIdentities.connectionId))
    .where(and(eq(linkedIdentities.userId, input.user.id), ne(connections.workspaceId, input.workspaceId)));
  if (!foreign.length) return 0;
  await tx.delete(linkedIdentities).where(
    inArray(
      linkedIdentities.id,
      foreign.map((l) => l.id),
    ),
  );
  const system = { userId: null, ip: input.ip ?? null };
  for (const l of foreign) {
    await recordAudit(tx, input.workspaceId, system, {
      action: "sso.foreign_link_removed",
      targetType: "linked_identity",
      targetId: l.id,
      before: { email: input.user.email, connectionId: l.connectionId, nameId: l.nameId },
      after: { reason: "domain_verified_here" },
    });
    await recordAudit(tx, l.workspaceId, system, {
      action: "sso.link_removed",
      targetType: "linked_identity",
      targetId: l.id,
      before: { email: input.user.email, connectionId: l.connectionId, nameId: l.nameId },
      after: { reason: "domain_verified_by_another_workspace" },
    });
  }
  return foreign.length;
}

/** Test sign-in: what would happen, with no writes. */
export async function previewSsoProvisioning(db: Db, input: ProvisionInput): Promise<ProvisionPreview> {
  const plan = await planProvisioning(db, input);
  const invitation = plan.invitation ? { role: plan.invitation.role, expiresAt: plan.invitation.expiresAt.toISOString() } : null;
  if (plan.refusal) {
    return {
      outcome: "refuse",
      membership: null,
      userExists: !!plan.user,
      invitation,
      role: null,
      roleSource: null,
      matchedRule: null,
      mapping: plan.mapping,
      error: refusalMessage(plan.refusal),
    };
  }
  return {
    outcome: plan.account === "create" ? "create_user" : plan.account === "link_existing" ? "link_account" : "sign_in",
    membership: plan.membershipAction,
    userExists: !!plan.user,
    invitation,
    role: plan.role,
    roleSource: plan.roleSource,
    matchedRule: plan.matchedRule,
    mapping: plan.mapping,
    error: null,
  };
}

function joinName(first: string | null, last: string | null): string | null {
  return [first, last].filter(Boolean).join(" ") || null;
}

/** Blank names are always filled from the assertion; set names are overwritten only with profile sync on. */
async function updateProfile(db: Db, user: User, plan: ProvisionPlan, sync: boolean, now: Date): Promise<User> {
  const { firstName, lastName } = plan.names;
  const next = {
    firstName: firstName && (sync || !user.firstName) ? firstName : user.firstName,
    lastName: lastName && (sync || !user.lastName) ? lastName : user.lastName,
  };
  const name = (sync || !user.name) && (firstName || lastName) ? joinName(next.firstName, next.lastName) : user.name;
  if (next.firstName === user.firstName && next.lastName === user.lastName && name === user.name) return user;
  const [updated] = await db
    .update(users)
    .set({ ...next, name, updatedAt: now })
    .where(eq(users.id, user.id))
    .returning();
  return updated ?? user;
}
