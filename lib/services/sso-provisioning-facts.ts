import { and, eq, gt, isNull, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Db } from "@/db";
import { cachedSelect } from "@/db/cached-statement";
import { domains, invitations, linkedIdentities, memberships, roleMappings, users, workspaces, type connections } from "@/db/schema";
import { emailDomain } from "@/lib/domains/normalize";
import type { Role } from "@/lib/auth/roles";
import { approverAsActiveOwner } from "./connection-trust";
import { RULE_DOMAIN_STATUSES, type RuleDomain } from "./domain-policy";
import type { RoleRule } from "./role-mapping";
import type { User } from "./users";

type Membership = typeof memberships.$inferSelect;
type Invitation = typeof invitations.$inferSelect;

/** Everything planProvisioning decides from, read together. */
export type ProvisioningFacts = {
  /** The connection's role mappings, in evaluation order. */
  rules: RoleRule[];
  /** The workspace's verified and failing domains (the SSO domain rule). */
  workspaceDomains: RuleDomain[];
  /** Another workspace verified (or verified, now failing) the asserted email's domain. */
  assertedDomainOwnedElsewhere: boolean;
  /** The oldest pending invitation of the asserted email to this workspace. */
  invitation: Invitation | null;
  /** The account linked to this connection's NameID. */
  linkedUser: User | null;
  /** The account whose email is the asserted one. */
  emailUser: User | null;
  /** The email account has a linked identity / a membership in another workspace (claimability). */
  emailUserLinked: boolean;
  emailUserMemberElsewhere: boolean;
  /** Of the account the sign-in reaches (linked, else by email): its membership here, and where it is owner or admin. */
  membership: Membership | null;
  privilegedWorkspaceIds: string[];
  /** The member who last approved the connection's trust is an active, enabled owner of its workspace. */
  approverIsActiveOwner: boolean;
};

const linkUser = alias(users, "link_user");
const emailUser = alias(users, "email_user");
const member = alias(memberships, "member");
/** The same table again, to find an older pending invitation (rendered by name inside the subquery below). */
const olderInvitation = alias(invitations, "older_invitation");

/** JSON from either driver (postgres.js parses json columns, PGlite may hand back text). */
const json = <T>(v: unknown): T => (typeof v === "string" ? JSON.parse(v) : v) as T;

/**
 * The facts of one SSO sign-in in one statement (issue 16: seven reads were seven round trips). A
 * linked account whose stored email differs from the asserted one (rare) is checked by its own read.
 * Every join is on a unique key (linked identity by connection + NameID, account by lower(email),
 * membership by workspace + account, the oldest pending invitation), so the statement returns one row.
 * Its text is built once per shape (with or without a trust approver to check; `cachedSelect`).
 */
export async function readProvisioningFacts(
  db: Db,
  input: {
    workspaceId: string;
    connection: Pick<typeof connections.$inferSelect, "id" | "workspaceId" | "trustApprovedBy">;
    email: string;
    nameId: string;
    now: Date;
  },
): Promise<ProvisioningFacts> {
  const { workspaceId, connection, email, nameId, now } = input;
  const read = connection.trustApprovedBy ? FACTS.withApprover : FACTS.withoutApprover;
  const [row] = await read(db, {
    workspaceId,
    connectionId: connection.id,
    connectionWorkspaceId: connection.workspaceId,
    approverId: connection.trustApprovedBy,
    email,
    emailDomain: emailDomain(email) ?? "",
    nameId,
    // A placeholder is bound as given (no column encodes it): timestamps go as ISO text, as drizzle sends them.
    now: now.toISOString(),
  });
  if (!row) throw new Error(`readProvisioningFacts: no workspace ${workspaceId}`);
  return {
    rules: json<{ id: string; attribute: string; value: string; role: Role }[]>(row.rules),
    workspaceDomains: json<RuleDomain[]>(row.workspaceDomains),
    assertedDomainOwnedElsewhere: !!row.assertedDomainOwnedElsewhere,
    invitation: row.invitation,
    linkedUser: row.linkedUser,
    emailUser: row.emailUser,
    emailUserLinked: !!row.emailUserLinked,
    emailUserMemberElsewhere: !!row.emailUserMemberElsewhere,
    membership: row.membership,
    privilegedWorkspaceIds: json<string[]>(row.privilegedWorkspaceIds),
    approverIsActiveOwner: !!row.approverIsActiveOwner,
  };
}

/** The facts statement, every value a placeholder (bound per call). */
function factsQuery(db: Db, checkApprover: boolean) {
  const p = (name: string) => sql.placeholder(name);
  const workspaceId = p("workspaceId");
  const email = p("email");
  const now = p("now");
  const reached = sql`coalesce(${linkUser.id}, ${emailUser.id})`;
  const statuses = sql.join(
    RULE_DOMAIN_STATUSES.map((s) => sql`${s}`),
    sql`, `,
  );
  const pending = (i: typeof invitations | typeof olderInvitation) =>
    and(eq(i.workspaceId, workspaceId), sql`lower(${i.email}) = ${email}`, isNull(i.acceptedAt), isNull(i.revokedAt), gt(i.expiresAt, now));
  return db
    .select({
      linkedUser: linkUser,
      emailUser,
      membership: member,
      invitation: invitations,
      rules: sql<unknown>`coalesce((select json_agg(json_build_object('id', ${roleMappings.id}, 'attribute', ${roleMappings.attribute}, 'value', ${roleMappings.value}, 'role', ${roleMappings.role}) order by ${roleMappings.position}) from ${roleMappings} where ${roleMappings.connectionId} = ${p("connectionId")}), '[]')`,
      workspaceDomains: sql<unknown>`coalesce((select json_agg(json_build_object('domain', ${domains.domain}, 'status', ${domains.status})) from ${domains} where ${domains.workspaceId} = ${workspaceId} and ${domains.status} in (${statuses})), '[]')`,
      assertedDomainOwnedElsewhere: sql<boolean>`exists (select 1 from ${domains} where ${domains.domain} = ${p("emailDomain")} and ${domains.workspaceId} <> ${workspaceId} and ${domains.status} in (${statuses}))`,
      emailUserLinked: sql<boolean>`exists (select 1 from ${linkedIdentities} where ${linkedIdentities.userId} = ${emailUser.id})`,
      emailUserMemberElsewhere: sql<boolean>`exists (select 1 from ${memberships} where ${memberships.userId} = ${emailUser.id} and ${memberships.workspaceId} <> ${workspaceId})`,
      privilegedWorkspaceIds: sql<unknown>`coalesce((select json_agg(distinct ${memberships.workspaceId}) from ${memberships} where ${memberships.userId} = ${reached} and ${memberships.role} in ('owner', 'admin')), '[]')`,
      approverIsActiveOwner: checkApprover
        ? sql<boolean>`exists (${approverAsActiveOwner(db, p("approverId"), p("connectionWorkspaceId"))})`
        : sql<boolean>`false`,
    })
    .from(workspaces)
    .leftJoin(linkedIdentities, and(eq(linkedIdentities.connectionId, p("connectionId")), eq(linkedIdentities.nameId, p("nameId"))))
    .leftJoin(linkUser, eq(linkUser.id, linkedIdentities.userId))
    .leftJoin(emailUser, sql`lower(${emailUser.email}) = ${email}`)
    .leftJoin(member, and(eq(member.workspaceId, workspaceId), eq(member.userId, reached)))
    .leftJoin(
      invitations,
      and(
        pending(invitations),
        sql`not exists (select 1 from ${invitations} as ${sql.identifier("older_invitation")} where ${and(
          pending(olderInvitation),
          or(
            sql`${olderInvitation.createdAt} < ${invitations.createdAt}`,
            and(eq(olderInvitation.createdAt, invitations.createdAt), sql`${olderInvitation.id} < ${invitations.id}`),
          ),
        )})`,
      ),
    )
    .where(eq(workspaces.id, workspaceId));
}

const FACTS = {
  withApprover: cachedSelect((db) => factsQuery(db, true)),
  withoutApprover: cachedSelect((db) => factsQuery(db, false)),
};
