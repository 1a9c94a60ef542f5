import { randomUUID } from "node:crypto";
import { and, eq, inArray, isNull, ne, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { expectSql, pipelinedTransaction, sendWithCommit } from "@/db/pipelined-transaction";
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
import { sendNewUser, type User } from "./users";

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
export async function provisionSsoUser(db: Db, input: ProvisionInput, planned?: Promise<ProvisionPlan>): Promise<ProvisionResult> {
  const { workspace, connection, identity, now } = input;
  const actor = { userId: null, ip: input.ip ?? null };
  // A plan read ahead (by the caller, under the lock) is waited for first, so the savepoint and the
  // writes go out together.
  const ahead = planned ? await planned : null;
  return pipelinedTransaction(db, async (tx) => {
    const plan = ahead ?? (await lockAndPlan(tx, input));
    if (plan.refusal) {
      const r = refusalMessage(plan.refusal);
      throw new AppError(r.code, { hint: r.hint, detail: plan.refusal.detail });
    }

    // The writes go out as they are decided, and are waited for together at the end (`sent`; issue 16:
    // a new member's account, link, membership, audit entry and event cost one round trip). A new
    // account's id is made here, so the rows that name it go out behind its INSERT.
    const sent: Promise<unknown>[] = [];
    const send = <P extends Promise<unknown>>(p: P): P => (sent.push(p), p);
    let user: User | null = plan.user;
    let newUser: Promise<User | null> | null = null;
    let who: Pick<User, "id" | "email" | "name">;
    if (!user) {
      const name = joinName(plan.names.firstName, plan.names.lastName);
      const created = sendNewUser(tx, { email: plan.email, firstName: plan.names.firstName, lastName: plan.names.lastName, name });
      newUser = created.created;
      who = { id: created.id, email: plan.email, name };
    } else {
      user = await updateProfile(tx, user, plan, connection.syncProfileEveryLogin, now);
      who = user;
    }
    const accountLinked = plan.account === "link_existing";
    const foreignLinksRemoved =
      plan.takeover && user ? await removeForeignLinks(tx, { workspaceId: workspace.id, user, ip: actor.ip, now }) : 0;
    if (user && (accountLinked || foreignLinksRemoved > 0)) {
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
      who = user;
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
      send(
        tx
          .insert(linkedIdentities)
          .values({ connectionId: connection.id, nameId: identity.nameId, userId: who.id, lastLoginAt: now, groups })
          .onConflictDoNothing()
          .execute(),
      );
    } else if (!returning) {
      send(touchLink.execute());
    }

    let membership: Membership | Promise<Membership>;
    let invitationConsumed = false;
    if (plan.membershipAction === "keep" && before) {
      // A returning member: the link's and the membership's last sign-in in one statement, which
      // nothing here waits for (it goes with the commit) and which checks that the membership is
      // still there.
      const set = { role: plan.role, lastLoginAt: now, ...(plan.role !== before.role ? { updatedAt: now } : {}) };
      const touched = tx
        .$with("touched_membership")
        .as(tx.update(memberships).set(set).where(eq(memberships.id, before.id)).returning({ id: memberships.id }));
      const link = returning ? [tx.$with("touched_link").as(touchLink.returning({ id: linkedIdentities.id }))] : [];
      sendWithCommit(
        tx,
        tx
          .with(...link, touched)
          .select({ ok: expectSql(sql`count(*) = 1`, "the membership this sign-in keeps") })
          .from(touched),
      );
      membership = { ...before, ...set };
      if (plan.role !== before.role) {
        await recordAudit(tx, workspace.id, actor, {
          action: "member.role_mapped",
          targetType: "membership",
          targetId: before.id,
          targetName: who.email,
          before: { role: before.role, email: who.email },
          after: { role: plan.role, email: who.email, connectionId: connection.id, matchedRule: plan.matchedRule },
        });
        await emitEvent(tx, {
          workspaceId: workspace.id,
          type: "membership.role_changed",
          data: {
            organization_id: workspace.id,
            user_id: who.id,
            email: who.email,
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
      const membershipId = before?.id ?? randomUUID();
      const written: Promise<Membership[]> = before
        ? tx.update(memberships).set(values).where(eq(memberships.id, before.id)).returning().execute()
        : tx
            .insert(memberships)
            .values({
              id: membershipId,
              workspaceId: workspace.id,
              userId: who.id,
              invitedBy: plan.invitation?.invitedBy ?? null,
              ...values,
            })
            .returning()
            .execute();
      membership = written.then((rows) => rows[0]!);
      send(membership);
      send(
        recordAudit(tx, workspace.id, actor, {
          action: invitationConsumed ? "invitation.accepted" : "member.provisioned",
          targetType: "membership",
          targetId: membershipId,
          targetName: who.email,
          before: before ? { role: before.role, status: before.status } : null,
          after: {
            role: plan.role,
            status: "active",
            source: "sso",
            email: who.email,
            connectionId: connection.id,
            matchedRule: plan.matchedRule,
          },
        }),
      );
      send(
        emitEvent(tx, {
          workspaceId: workspace.id,
          type: "user.created",
          data: {
            organization_id: workspace.id,
            user_id: who.id,
            email: who.email,
            name: who.name,
            role: plan.role,
            source: "sso",
            directory_id: null,
            connection_id: connection.id,
          },
          at: now,
        }),
      );
    }

    const settled = await Promise.allSettled([newUser, ...sent]);
    if (newUser) {
      user = await newUser.catch(() => null);
      // Under the lock the email was free a moment ago; anything else is an account made outside SSO
      // (and the statements that named the new id failed: the savepoint takes them back).
      if (!user) throw new AppError("SAML_ACCOUNT_NOT_LINKABLE", { detail: { email: plan.email } });
    }
    const failed = settled.find((r) => r.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
    const member = await membership;
    return {
      user: user!,
      membership: member,
      userCreated: !!newUser,
      accountLinked,
      foreignLinksRemoved,
      invitationConsumed,
      role: member.role,
      roleSource: plan.roleSource,
      matchedRule: plan.matchedRule,
      mapping: plan.mapping,
    };
  });
}

/**
 * The sign-in's provisioning lock, then its plan from facts read under that lock. Both statements go
 * out at once (the lock first), so a caller in a pipelined transaction can send them beside its own.
 * Concurrent first sign-ins of one email wait here for each other.
 */
export function lockAndPlan(db: Db, input: ProvisionInput): Promise<ProvisionPlan> {
  const email = input.identity.email.trim().toLowerCase();
  const locked = db.execute(sql`select pg_advisory_xact_lock(hashtext(${`sso-provision:${email}`}))`).execute();
  return Promise.all([locked, planProvisioning(db, input)]).then(([, plan]) => plan);
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
