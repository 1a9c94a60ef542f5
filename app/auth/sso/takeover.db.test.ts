/**
 * Who an SSO sign-in may become (issue 10, points 1, 2 and 12): each attack is performed with real
 * signed SAML through the real ACS and ticket routes, on a real database, and must be refused.
 */
import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { decode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, invitations, linkedIdentities, memberships, users } from "@/db/schema";
import { env } from "@/lib/env";
import { NAMEID_FORMAT } from "@/lib/saml/constants";
import { useDbForTests } from "@/server/bootstrap";
import { addSamlConnection, makeSamlKit, TEST_APP_URL } from "@/lib/testing/saml-kit";
import { TestBrowser } from "@/lib/testing/test-browser";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { memberActor, OPERATOR } from "@/lib/services/actor";
import { approveConnectionTrust, isTrustApprovedByCurrentOwner } from "@/lib/services/connection-trust";
import { createConnection, getConnectionOrThrow, updateConnection } from "@/lib/services/connections";
import { inviteMember, acceptInvitation } from "@/lib/services/invitations";
import { changeMemberRole } from "@/lib/services/members";
import { addVerifiedDomain } from "@/lib/testing/fixtures";
import { connectionCreateSchema } from "@/lib/schemas/connections";
import { replaceRoleMappings } from "@/lib/services/role-mapping";
import { findUserByEmail } from "@/lib/services/users";
import { createWorkspace, getWorkspaceAccess } from "@/lib/services/workspaces";
import * as acsRoute from "@/app/auth/sso/saml/[slug]/acs/route";
import * as completeRoute from "@/app/auth/sso/complete/route";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  useDbForTests(t.db);
});
afterAll(async () => {
  await t?.close();
});

const uniq = () => randomBytes(4).toString("hex");
const PERSISTENT = NAMEID_FORMAT.persistent;

/**
 * A whole browser sign-in: the IdP posts `samlResponse` to the ACS, the browser follows the ticket.
 * "OK" with the session's user id, or the error code of the page where it stopped.
 */
async function signIn(slug: string, samlResponse: string): Promise<{ code: string; userId: string | null }> {
  const browser = new TestBrowser();
  const acs = browser.take(
    await acsRoute.POST(
      browser.request(`${TEST_APP_URL}/auth/sso/saml/${slug}/acs`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ SAMLResponse: samlResponse }).toString(),
      }),
      { params: Promise.resolve({ slug }) },
    ),
  );
  const codeOf = async (r: Response) => /<span class="code">([A-Z_]+)<\/span>/.exec(await r.text())?.[1] ?? `HTTP_${r.status}`;
  if (acs.status !== 303) return { code: await codeOf(acs), userId: null };
  const done = browser.take(await completeRoute.GET(browser.request(`${TEST_APP_URL}${acs.headers.get("location")}`)));
  if (done.status !== 303) return { code: await codeOf(done), userId: null };
  const cookie = done.headers.getSetCookie().find((c) => c.includes("session-token="))!;
  const token = await decode({ token: /session-token=([^;]+)/.exec(cookie)![1], secret: env().authSecret });
  return { code: "OK", userId: token!.uid as string };
}

async function linksOf(userId: string) {
  return t.db.select().from(linkedIdentities).where(eq(linkedIdentities.userId, userId));
}

/** A workspace whose owner is `ownerEmail`, with a connection the owner set up (trust approved by them). */
async function ownedWorkspace(ownerEmail: string) {
  const id = uniq();
  const { workspace, owner } = await createWorkspace(t.db, { slug: `w-${id}`, name: `W ${id}`, ownerEmail });
  const idp = await addSamlConnection(t.db, workspace.id, memberActor(owner.id, "owner"));
  return { workspace, owner, ...idp };
}

/** An active admin of `workspaceId`, made through an owner's invitation. */
async function addAdmin(workspaceId: string, ownerId: string, email = `admin-${uniq()}@admins.test`) {
  const { inviteUrl } = await inviteMember(t.db, workspaceId, { email, role: "admin" }, { userId: ownerId, role: "owner" });
  const { user } = await acceptInvitation(t.db, {
    token: inviteUrl.split("/invite/")[1]!,
    signUp: { password: "admin password 123", firstName: "", lastName: "" },
  });
  return user;
}

describe("point 1: old NameID links after the domain owner's takeover", () => {
  it("old NameID link of another workspace's IdP cannot reach an account after the domain owner's takeover", async () => {
    const domain = `victim-${uniq()}.test`;
    const ceo = `ceo@${domain}`;
    const nameId = `att-${uniq()}`;
    // Workspace "evil" adds its own IdP; before the domain is verified anywhere it asserts a persistent
    // NameID with the CEO's email: JIT creates the account and links it to evil's connection.
    const evil = await makeSamlKit(t.db);
    const early = await signIn(evil.connection.slug, evil.respond({ nameId, nameIdFormat: PERSISTENT, attributes: { email: [ceo] } }));
    expect(early.code).toBe("OK");
    const account = (await findUserByEmail(t.db, ceo))!;
    expect(early.userId).toBe(account.id);

    // The CEO owns workspace "victim", which verifies the domain; the CEO signs in through victim's IdP.
    const victim = await createWorkspace(t.db, { slug: `victim-${uniq()}`, name: "Victim", ownerEmail: ceo });
    await addVerifiedDomain(t.db, victim.workspace.id, domain);
    const victimIdp = await addSamlConnection(t.db, victim.workspace.id, memberActor(account.id, "owner"));
    expect((await signIn(victimIdp.connection.slug, victimIdp.respond({ email: ceo }))).code).toBe("OK");

    // Every link of the account to another workspace's connection is gone, and audited where the takeover happened.
    expect((await linksOf(account.id)).map((l) => l.connectionId)).toEqual([victimIdp.connection.id]);
    const audit = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.workspaceId, victim.workspace.id), eq(auditLog.action, "sso.foreign_link_removed")));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.before).toMatchObject({ connectionId: evil.connection.id, nameId, email: ceo });
    const theirs = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.workspaceId, evil.workspace.id), eq(auditLog.action, "sso.link_removed")));
    expect(theirs).toHaveLength(1);

    // Evil's IdP now sends the old NameID with an email of its own domain: it does not reach the CEO.
    const attack = await signIn(
      evil.connection.slug,
      evil.respond({ nameId, nameIdFormat: PERSISTENT, attributes: { email: [`x@evil-${uniq()}.test`] } }),
    );
    // (It is a new identity to evil's IdP now: a new account of evil's own, with no access to victim.)
    expect(attack.code).toBe("OK");
    expect(attack.userId).not.toBe(account.id);
    await expect(getWorkspaceAccess(t.db, attack.userId!, victim.workspace.slug, "viewer")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("a linked sign-in re-checks the domain rule against the account's stored email, not only the asserted one", async () => {
    const domain = `owned-${uniq()}.test`;
    const ceo = `ceo@${domain}`;
    const nameId = `att-${uniq()}`;
    const evil = await makeSamlKit(t.db);
    expect(
      (await signIn(evil.connection.slug, evil.respond({ nameId, nameIdFormat: PERSISTENT, attributes: { email: [ceo] } }))).code,
    ).toBe("OK");
    // Another workspace verifies the domain; the CEO has not signed in there yet (the link still exists).
    const owner = await makeSamlKit(t.db);
    await addVerifiedDomain(t.db, owner.workspace.id, domain);
    const attack = await signIn(
      evil.connection.slug,
      evil.respond({ nameId, nameIdFormat: PERSISTENT, attributes: { email: [`x@evil-${uniq()}.test`] } }),
    );
    expect(attack).toEqual({ code: "SAML_EMAIL_OUTSIDE_DOMAINS", userId: null });
    // The refusal page does not echo the account's email to whoever presented the assertion (detail reason only).
  });

  it("an IdP may never change the email of an account whose domain another workspace has verified", async () => {
    const domain = `kept-${uniq()}.test`;
    const ceo = `ceo@${domain}`;
    const nameId = `att-${uniq()}`;
    const evil = await makeSamlKit(t.db);
    await signIn(evil.connection.slug, evil.respond({ nameId, nameIdFormat: PERSISTENT, attributes: { email: [ceo] } }));
    const account = (await findUserByEmail(t.db, ceo))!;
    const owner = await makeSamlKit(t.db);
    await addVerifiedDomain(t.db, owner.workspace.id, domain);
    for (const email of [`renamed@evil-${uniq()}.test`, `other@${domain}`]) {
      await signIn(evil.connection.slug, evil.respond({ nameId, nameIdFormat: PERSISTENT, attributes: { email: [email] }, sign: "both" }));
      const [row] = await t.db.select({ email: users.email }).from(users).where(eq(users.id, account.id));
      expect(row!.email).toBe(ceo);
    }
  });
});

describe("point 2: an admin becomes owner by adding an IdP they control", () => {
  it("an admin cannot create a connection or change its IdP trust (metadata, certificates, entity ID, SSO URL)", async () => {
    const ws = await makeSamlKit(t.db);
    const admin = await addAdmin(ws.workspace.id, ws.owner.id);
    const actor = memberActor(admin.id, "admin");
    const mine = await makeSamlKit(t.db); // an IdP the admin controls
    await expect(
      createConnection(
        t.db,
        ws.workspace.id,
        connectionCreateSchema.parse({ name: "Mine", slug: `mine-${uniq()}`, metadataXml: mine.idp.metadataXml("https://mine.test/sso") }),
        actor,
      ),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    const c = await getConnectionOrThrow(t.db, ws.workspace.id, ws.connection.id);
    for (const patch of [
      { metadataXml: mine.idp.metadataXml("https://mine.test/sso") },
      { manual: { entityId: mine.idp.entityId, ssoUrl: "https://mine.test/sso", certificatePem: mine.idp.certificatePem } },
    ]) {
      await expect(updateConnection(t.db, ws.workspace.id, c.id, { version: c.version, ...patch }, actor)).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
    }
    expect((await getConnectionOrThrow(t.db, ws.workspace.id, c.id)).idpEntityId).toBe(ws.idp.entityId);
  });

  it("an admin cannot raise the default role or mappings to admin, turn on account linking or re-applied mappings; other settings stay theirs", async () => {
    const ws = await makeSamlKit(t.db, { allowAccountLinking: false });
    const admin = await addAdmin(ws.workspace.id, ws.owner.id);
    const actor = memberActor(admin.id, "admin");
    const c = await getConnectionOrThrow(t.db, ws.workspace.id, ws.connection.id);
    for (const patch of [
      { defaultRole: "admin" as const },
      { applyMappingEveryLogin: true },
      { allowAccountLinking: true },
      { allowSha1: true },
    ]) {
      await expect(updateConnection(t.db, ws.workspace.id, c.id, { version: c.version, ...patch }, actor)).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
    }
    await expect(
      replaceRoleMappings(t.db, ws.workspace.id, c.id, [{ attribute: "groups", value: "it", role: "admin" }], actor),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    // Name and the active switch are admin settings; they do not touch the owner's approval.
    const renamed = await updateConnection(t.db, ws.workspace.id, c.id, { version: c.version, name: "Renamed", active: true }, actor);
    expect(renamed).toMatchObject({ name: "Renamed", trustApprovedBy: ws.owner.id, trustApprovedVia: "owner" });
  });

  it("an admin's IdP asserting the owner's email cannot link the owner's account or give an owner session (verified domain)", async () => {
    const domain = `corp-${uniq()}.test`;
    const ws = await ownedWorkspace(`boss@${domain}`);
    await addVerifiedDomain(t.db, ws.workspace.id, domain);
    // A member who was an owner when they added their own IdP, and is an admin now.
    const former = await addAdmin(ws.workspace.id, ws.owner.id);
    const { membership } = await getWorkspaceAccess(t.db, former.id, ws.workspace.slug, "admin");
    await changeMemberRole(t.db, ws.workspace.id, membership.id, "owner", { userId: ws.owner.id, role: "owner" });
    const theirs = await addSamlConnection(t.db, ws.workspace.id, memberActor(former.id, "owner"));
    await changeMemberRole(t.db, ws.workspace.id, membership.id, "admin", { userId: ws.owner.id, role: "owner" });
    expect(await isTrustApprovedByCurrentOwner(t.db, theirs.connection)).toBe(false);

    const attack = await signIn(theirs.connection.slug, theirs.respond({ email: `boss@${domain}` }));
    expect(attack).toEqual({ code: "SAML_PRIVILEGED_ACCOUNT", userId: null });
    expect((await linksOf(ws.owner.id)).map((l) => l.connectionId)).not.toContain(theirs.connection.id);
    // Another admin is out of its reach too; a plain member is not.
    const otherAdmin = await addAdmin(ws.workspace.id, ws.owner.id, `admin2@${domain}`);
    expect(await signIn(theirs.connection.slug, theirs.respond({ email: otherAdmin.email }))).toEqual({
      code: "SAML_PRIVILEGED_ACCOUNT",
      userId: null,
    });
    expect((await signIn(theirs.connection.slug, theirs.respond({ email: `staff-${uniq()}@${domain}` }))).code).toBe("OK");

    // Once a current owner approves the connection, owners may use it.
    await approveConnectionTrust(t.db, ws.workspace.id, theirs.connection.id, memberActor(ws.owner.id, "owner"));
    const owner = await signIn(theirs.connection.slug, theirs.respond({ email: `boss@${domain}` }));
    expect(owner).toEqual({ code: "OK", userId: ws.owner.id });
  });

  it("an admin's IdP cannot consume a pending owner invitation (no verified domain)", async () => {
    const ws = await makeSamlKit(t.db);
    const former = await addAdmin(ws.workspace.id, ws.owner.id);
    const theirs = await addSamlConnection(t.db, ws.workspace.id, { ...memberActor(former.id, "owner") }); // approved by someone not an owner now
    const email = `next-owner-${uniq()}@anywhere.test`;
    const { invitation } = await inviteMember(t.db, ws.workspace.id, { email, role: "owner" }, { userId: ws.owner.id, role: "owner" });
    const attack = await signIn(theirs.connection.slug, theirs.respond({ email }));
    expect(attack).toEqual({ code: "SAML_PRIVILEGED_ACCOUNT", userId: null });
    const [row] = await t.db.select().from(invitations).where(eq(invitations.id, invitation.id));
    expect(row!.acceptedAt).toBeNull();
    const [m] = await t.db
      .select()
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.workspaceId, ws.workspace.id), eq(users.email, email)));
    expect(m!.memberships.status).toBe("invited");
  });

  it("another workspace's IdP cannot sign in an account that is owner or admin elsewhere (it would reach that workspace)", async () => {
    const domain = `employer-${uniq()}.test`;
    const email = `founder@${domain}`;
    // An employee signs in through the employer's IdP (their domain, linked)…
    const employer = await makeSamlKit(t.db);
    await addVerifiedDomain(t.db, employer.workspace.id, domain);
    const first = await signIn(employer.connection.slug, employer.respond({ email }));
    expect(first.code).toBe("OK");
    // …and later owns a workspace of their own: the employer's IdP admin must not reach it.
    const mine = await createWorkspace(t.db, { slug: `own-${uniq()}`, name: "Mine", ownerEmail: email });
    expect(mine.owner.id).toBe(first.userId);
    const attack = await signIn(employer.connection.slug, employer.respond({ email }));
    expect(attack).toEqual({ code: "SAML_PRIVILEGED_ACCOUNT", userId: null });
  });

  it("trust changes are audited with who made them and the trust fields before and after, never keys", async () => {
    const ws = await makeSamlKit(t.db);
    const next = await makeSamlKit(t.db);
    const c = await getConnectionOrThrow(t.db, ws.workspace.id, ws.connection.id);
    await updateConnection(
      t.db,
      ws.workspace.id,
      c.id,
      { version: c.version, metadataXml: next.idp.metadataXml("https://next.test/sso") },
      memberActor(ws.owner.id, "owner"),
    );
    const [entry] = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.workspaceId, ws.workspace.id), eq(auditLog.action, "connection.trust_changed"), eq(auditLog.targetId, c.id)))
      .orderBy(auditLog.createdAt)
      .limit(2)
      .then((rows) => rows.slice(-1));
    expect(entry!.actorUserId).toBe(ws.owner.id);
    expect(entry!.before).toMatchObject({ idpEntityId: ws.idp.entityId });
    expect(entry!.after).toMatchObject({
      idpEntityId: next.idp.entityId,
      changed: expect.arrayContaining(["idpEntityId", "certificates"]),
    });
    expect(JSON.stringify(entry)).not.toMatch(/BEGIN CERTIFICATE|PRIVATE KEY/);
    // The operator's changes count as approved.
    const op = await updateConnection(t.db, ws.workspace.id, c.id, { version: c.version + 1, defaultRole: "editor" }, OPERATOR);
    expect(op).toMatchObject({ trustApprovedBy: null, trustApprovedVia: "operator" });
  });
});

describe("point 12: email-shaped NameID and a different email attribute", () => {
  it("an email-shaped NameID cannot override the email attribute: the attribute is the account's email, the NameID the link key", async () => {
    const kit = await makeSamlKit(t.db);
    const victim = `ceo@victim-${uniq()}.test`;
    const asserted = `x-${uniq()}@evil.test`;
    const r = await signIn(kit.connection.slug, kit.respond({ nameId: victim, attributes: { email: [asserted] } }));
    expect(r.code).toBe("OK");
    const [user] = await t.db.select().from(users).where(eq(users.id, r.userId!));
    expect(user!.email).toBe(asserted);
    expect(await findUserByEmail(t.db, victim)).toBeUndefined();
    expect((await linksOf(user!.id)).map((l) => l.nameId)).toEqual([victim]);
  });
});
