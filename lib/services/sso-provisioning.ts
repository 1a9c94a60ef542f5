import { and, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { linkedIdentities, memberships, users, type connections, type workspaces } from "@/db/schema";
import { AppError } from "@/lib/errors";
import type { Role } from "@/lib/auth/roles";
import { findOrCreateUser, findUserByEmail, type User } from "./users";

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
};

export type ProvisionResult = {
  user: User;
  membership: typeof memberships.$inferSelect;
  userCreated: boolean;
  role: Role;
  /** The role-mapping rule that decided the role, if any. */
  matchedRule: { id?: string; attribute: string; value: string; role: Role } | null;
};

/**
 * Decide who this SSO sign-in is and make their account and membership exist.
 * FIRST VERSION (SAML core rules only): linked accounts and brand-new accounts; JIT at the default role.
 * Invitations, role mapping, JIT-off and verified-domain linking extend this.
 */
export async function provisionSsoUser(db: Db, input: ProvisionInput): Promise<ProvisionResult> {
  const { workspace, connection, identity, now } = input;
  return db.transaction(async (tx) => {
    const [link] = await tx
      .select()
      .from(linkedIdentities)
      .where(and(eq(linkedIdentities.connectionId, connection.id), eq(linkedIdentities.nameId, identity.nameId)));
    let user: User | undefined;
    let userCreated = false;
    if (link) {
      [user] = await tx.select().from(users).where(eq(users.id, link.userId));
    } else {
      const existing = await findUserByEmail(tx, identity.email);
      if (existing) throw new AppError("SAML_ACCOUNT_NOT_LINKABLE", { detail: { email: identity.email } });
      const r = await findOrCreateUser(tx, {
        email: identity.email,
        firstName: identity.firstName,
        lastName: identity.lastName,
        name: [identity.firstName, identity.lastName].filter(Boolean).join(" ") || null,
      });
      if (!r.created) throw new AppError("SAML_ACCOUNT_NOT_LINKABLE", { detail: { email: identity.email } });
      user = r.user;
      userCreated = true;
      await tx.insert(linkedIdentities).values({ connectionId: connection.id, nameId: identity.nameId, userId: user.id });
    }
    if (!user) throw new AppError("SAML_ACCOUNT_NOT_LINKABLE");
    if (user.disabled) throw new AppError("SAML_USER_DISABLED");

    let [membership] = await tx
      .select()
      .from(memberships)
      .where(and(eq(memberships.workspaceId, workspace.id), eq(memberships.userId, user.id)));
    if (!membership) {
      if (!connection.jitProvisioning) throw new AppError("SAML_USER_NOT_PROVISIONED");
      [membership] = await tx
        .insert(memberships)
        .values({ workspaceId: workspace.id, userId: user.id, role: connection.defaultRole, status: "active", source: "sso", connectionId: connection.id, lastLoginAt: now })
        .returning();
    } else {
      if (membership.disabled) throw new AppError("SAML_USER_DISABLED");
      [membership] = await tx
        .update(memberships)
        .set({ lastLoginAt: now, status: "active", updatedAt: now })
        .where(eq(memberships.id, membership.id))
        .returning();
    }
    await tx.update(linkedIdentities).set({ lastLoginAt: now }).where(and(eq(linkedIdentities.connectionId, connection.id), eq(linkedIdentities.nameId, identity.nameId)));
    return { user, membership: membership!, userCreated, role: membership!.role, matchedRule: null };
  });
}
