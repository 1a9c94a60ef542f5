import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { acceptInvitation, inviteMember } from "./invitations";
import { addVerifiedDomain, identity, makeConnection, makeWorkspace, uniq } from "@/lib/testing/fixtures";
import { signInWithPassword } from "./password-sign-in";
import { provisionSsoUser } from "./sso-provisioning";
import { findUserByEmail } from "./users";
import { createWorkspace } from "./workspaces";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.close();
});

describe("pre-registered accounts cannot outlive the domain owner's claim", () => {
  it("a password set through an invitation link is dropped when the domain owner's IdP links the account", async () => {
    const domain = `corp-${uniq()}.test`;
    const victim = `victim@${domain}`;
    // An admin of some other workspace invites the address and opens the link themselves.
    const other = await makeWorkspace(t.db);
    const { inviteUrl } = await inviteMember(
      t.db,
      other.workspace.id,
      { email: victim, role: "viewer" },
      { userId: other.owner.id, role: "owner" },
    );
    const token = new URL(inviteUrl).pathname.split("/").pop()!;
    await acceptInvitation(t.db, { token, signUp: { password: "attacker-chosen-pw", firstName: "", lastName: "" } });
    expect((await signInWithPassword(t.db, { email: victim, password: "attacker-chosen-pw", ip: null })).email).toBe(victim);

    // The real company verifies its domain and the real person signs in through its IdP: linked.
    const corp = await makeWorkspace(t.db);
    await addVerifiedDomain(t.db, corp.workspace.id, domain);
    const connection = await makeConnection(t.db, corp.workspace.id, {});
    const r = await provisionSsoUser(t.db, { workspace: corp.workspace, connection, identity: identity(victim, {}), now: new Date() });
    expect(r.user.email).toBe(victim);

    await expect(signInWithPassword(t.db, { email: victim, password: "attacker-chosen-pw", ip: null })).rejects.toMatchObject({
      code: "INVALID_CREDENTIALS",
    });
    expect((await findUserByEmail(t.db, victim))?.passwordHash).toBeNull();
  });

  it("an operator-set password survives linking (break-glass owners keep theirs)", async () => {
    const domain = `own-${uniq()}.test`;
    const ownerEmail = `boss@${domain}`;
    const { workspace } = await createWorkspace(t.db, {
      slug: `own-${uniq()}`,
      name: "Own",
      ownerEmail,
      ownerPassword: "operator-set-pw-1",
    });
    await addVerifiedDomain(t.db, workspace.id, domain);
    const connection = await makeConnection(t.db, workspace.id, {});
    await provisionSsoUser(t.db, { workspace, connection, identity: identity(ownerEmail, {}), now: new Date() });
    expect((await signInWithPassword(t.db, { email: ownerEmail, password: "operator-set-pw-1", ip: null })).email).toBe(ownerEmail);
  });
});
