import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { domains, invitations, linkedIdentities, memberships } from "@/db/schema";
import { addMember, addVerifiedDomain, makeConnection, makeWorkspace, uniq } from "@/lib/testing/fixtures";
import { bothTestDbKinds, createTestDb, type TestDb } from "@/lib/testing/test-db";
import { memberActor } from "./actor";
import { replaceRoleMappings } from "./role-mapping";
import { readProvisioningFacts } from "./sso-provisioning-facts";
import { findOrCreateUser } from "./users";

/** The one statement planProvisioning decides from (issue 16): each fact as the separate reads gave it. */
describe.each(await bothTestDbKinds())("readProvisioningFacts (%s)", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb({ kind });
  });
  afterAll(async () => {
    await t.close();
  });

  it("a person the workspace has never seen: no account, no membership, no invitation, the workspace's rule domains and mappings", async () => {
    const { workspace, owner } = await makeWorkspace(t.db);
    const connection = await makeConnection(t.db, workspace.id);
    const verified = await addVerifiedDomain(t.db, workspace.id, `v-${uniq()}.test`);
    await t.db
      .insert(domains)
      .values({ workspaceId: workspace.id, domain: `p-${uniq()}.test`, status: "pending", verificationToken: uniq() });
    await replaceRoleMappings(
      t.db,
      workspace.id,
      connection.id,
      [
        { attribute: "groups", value: "b", role: "editor" },
        { attribute: "groups", value: "a", role: "viewer" },
      ],
      memberActor(owner.id, "owner"),
    );
    const facts = await readProvisioningFacts(t.db, {
      workspaceId: workspace.id,
      connection,
      email: `new@${verified.domain}`,
      nameId: "new-person",
      now: new Date(),
    });
    expect(facts).toMatchObject({
      linkedUser: null,
      emailUser: null,
      membership: null,
      invitation: null,
      assertedDomainOwnedElsewhere: false,
      privilegedWorkspaceIds: [],
      workspaceDomains: [{ domain: verified.domain, status: "verified" }],
    });
    expect(facts.rules.map((r) => [r.value, r.role])).toEqual([
      ["b", "editor"],
      ["a", "viewer"],
    ]);
  });

  it("the oldest pending invitation (not an expired, revoked or accepted one), and a domain another workspace verified", async () => {
    const { workspace, owner } = await makeWorkspace(t.db);
    const other = await makeWorkspace(t.db);
    const theirs = await addVerifiedDomain(t.db, other.workspace.id, `o-${uniq()}.test`);
    const connection = await makeConnection(t.db, workspace.id);
    const email = `invited@${theirs.domain}`;
    const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000);
    const invite = (role: "admin" | "editor" | "viewer", createdAt: Date, extra: Partial<typeof invitations.$inferInsert> = {}) =>
      t.db
        .insert(invitations)
        .values({
          workspaceId: workspace.id,
          email: email.toUpperCase(),
          role,
          tokenHash: uniq() + uniq(),
          invitedBy: owner.id,
          expiresAt: at(-60),
          createdAt,
          ...extra,
        })
        .returning()
        .then((r) => r[0]!);
    await invite("admin", at(50), { expiresAt: at(1) });
    await invite("admin", at(40), { revokedAt: at(2) });
    await invite("admin", at(30), { acceptedAt: at(3) });
    const oldest = await invite("editor", at(20));
    await invite("viewer", at(10));
    const facts = await readProvisioningFacts(t.db, { workspaceId: workspace.id, connection, email, nameId: "x", now: new Date() });
    expect(facts.invitation?.id).toBe(oldest.id);
    expect(facts.assertedDomainOwnedElsewhere).toBe(true);
    expect(facts.workspaceDomains).toEqual([]);
  });

  it("the linked account wins over the email's account; membership and privileges are the linked account's; claimability facts of the email's account", async () => {
    const { workspace } = await makeWorkspace(t.db);
    const elsewhere = await makeWorkspace(t.db);
    const connection = await makeConnection(t.db, workspace.id);
    const { user: linked } = await findOrCreateUser(t.db, { email: `linked-${uniq()}@corp.test` });
    await t.db.insert(linkedIdentities).values({ connectionId: connection.id, userId: linked.id, nameId: "nid-1" });
    await t.db
      .insert(memberships)
      .values({ workspaceId: workspace.id, userId: linked.id, role: "editor", source: "sso", status: "active" });
    await t.db
      .insert(memberships)
      .values({ workspaceId: elsewhere.workspace.id, userId: linked.id, role: "admin", source: "password", status: "active" });
    const { user: byEmail } = await addMember(t.db, elsewhere.workspace.id, { email: `by-email-${uniq()}@corp.test` });

    const facts = await readProvisioningFacts(t.db, {
      workspaceId: workspace.id,
      connection,
      email: byEmail.email,
      nameId: "nid-1",
      now: new Date(),
    });
    expect(facts.linkedUser?.id).toBe(linked.id);
    expect(facts.emailUser?.id).toBe(byEmail.id);
    expect(facts.membership).toMatchObject({ userId: linked.id, role: "editor" });
    expect(facts.privilegedWorkspaceIds).toEqual([elsewhere.workspace.id]);
    expect(facts.emailUserMemberElsewhere).toBe(true);
    expect(facts.emailUserLinked).toBe(false);

    const unlinked = await readProvisioningFacts(t.db, {
      workspaceId: workspace.id,
      connection,
      email: byEmail.email,
      nameId: "nid-2",
      now: new Date(),
    });
    expect(unlinked.linkedUser).toBeNull();
    expect(unlinked.membership).toBeNull();
    expect(unlinked.privilegedWorkspaceIds).toEqual([]);
  });

  it("the approver of the connection's trust counts only while an active, enabled owner", async () => {
    const { workspace, owner } = await makeWorkspace(t.db);
    const approved = await makeConnection(t.db, workspace.id, { trustApprovedBy: owner.id, trustApprovedVia: "owner" });
    const read = (c: typeof approved) =>
      readProvisioningFacts(t.db, { workspaceId: workspace.id, connection: c, email: "a@b.test", nameId: "n", now: new Date() });
    expect((await read(approved)).approverIsActiveOwner).toBe(true);
    const { user: admin } = await addMember(t.db, workspace.id, { role: "admin" });
    const byAdmin = await makeConnection(t.db, workspace.id, { trustApprovedBy: admin.id, trustApprovedVia: "owner" });
    expect((await read(byAdmin)).approverIsActiveOwner).toBe(false);
    expect((await read(await makeConnection(t.db, workspace.id))).approverIsActiveOwner).toBe(false);
  });
});
