/**
 * Setup links end to end on real parts: the service, the fragment → cookie exchange route, the login
 * route's test mode, real signed responses from a dev IdP through the ACS route, and the attacks a
 * link holder could try (another workspace, another purpose, roles above the default, trust, a
 * revoked or expired link with a cookie already exchanged).
 */
import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connections, outbox, setupLinks } from "@/db/schema";
import { createDevIdp } from "@/lib/dev-idp";
import { isAppError } from "@/lib/errors";
import { setupLinkCookieName } from "@/lib/http/setup-link-cookie";
import { memberActor, OPERATOR } from "@/lib/services/actor";
import { listAuditPage } from "@/lib/services/audit";
import { approveConnectionTrust, mayReachPrivilegedAccount } from "@/lib/services/connection-trust";
import { getConnectionOrThrow, updateConnection } from "@/lib/services/connections";
import { listSpKeys } from "@/lib/services/sp-keys";
import { spValues } from "@/lib/services/sp-values";
import { addMember, makeWorkspace } from "@/lib/testing/fixtures";
import { addSamlConnection, TEST_APP_URL } from "@/lib/testing/saml-kit";
import { TestBrowser } from "@/lib/testing/test-browser";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { useDbForTests } from "@/server/bootstrap";
import * as acsRoute from "@/app/auth/sso/saml/[slug]/acs/route";
import * as loginRoute from "@/app/auth/sso/saml/[slug]/login/route";
import * as exchangeRoute from "@/app/setup/exchange/route";
import {
  addSetupLinkDomain,
  createSetupLinkConnection,
  createSetupLinkDirectory,
  getSetupLinkConnectionOrThrow,
  listSetupLinkConnections,
  updateSetupLinkConnection,
} from "@/lib/services/setup-link-scope";
import {
  createSetupLink,
  listRecentSetupLinkCompletions,
  listSetupLinks,
  markSetupLinkCompleted,
  requireSetupLink,
  resolveSetupLinkToken,
  revokeSetupLink,
  type ResolvedSetupLink,
} from "@/lib/services/setup-links";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  useDbForTests(t.db);
});
afterAll(async () => {
  await t?.close();
});

const DAY = 86_400_000;

async function ownerLink(purpose: "sso" | "domains" | "directory" = "sso", opts: { expiresInDays?: number; now?: Date } = {}) {
  const ws = await makeWorkspace(t.db);
  const owner = memberActor(ws.owner.id, "owner");
  const created = await createSetupLink(
    t.db,
    ws.workspace.id,
    { purpose, name: "Jo at Acme IT", expiresInDays: opts.expiresInDays },
    owner,
    { appUrl: TEST_APP_URL, now: opts.now },
  );
  const resolved = (await resolveSetupLinkToken(t.db, created.token, opts.now))!;
  return { ...ws, ownerActor: owner, ...created, resolved };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "OK";
  } catch (e) {
    if (isAppError(e)) return e.code;
    if (e instanceof Error && e.name === "ZodError") return "ZOD";
    throw e;
  }
}

/** A dev IdP and the metadata an IT admin would paste. */
function devIdp() {
  const id = Math.random().toString(16).slice(2, 10);
  const idp = createDevIdp({ entityId: `https://idp-${id}.test/entity` });
  return { idp, metadataXml: idp.metadataXml(`https://idp-${id}.test/sso`), id };
}

async function linkConnection(r: ResolvedSetupLink) {
  const { idp, metadataXml, id } = devIdp();
  const c = await createSetupLinkConnection(t.db, r, { name: "Okta", slug: `sl-${id}`, idpType: "okta", metadataXml });
  return { idp, c };
}

const params = (slug: string) => ({ params: Promise.resolve({ slug }) });

function exchange(browser: TestBrowser, token: string | null, origin = TEST_APP_URL) {
  return exchangeRoute
    .POST(
      browser.request(`${TEST_APP_URL}/setup/exchange`, {
        method: "POST",
        headers: { "content-type": "application/json", origin },
        body: JSON.stringify({ token }),
      }),
    )
    .then((res) => browser.take(res));
}

/** A test sign-in from the setup page in `browser`: login route (test mode) → dev IdP → ACS route. */
async function testSignIn(browser: TestBrowser, c: { slug: string; id: string }, idp: ReturnType<typeof createDevIdp>) {
  const login = browser.take(await loginRoute.GET(browser.request(`${TEST_APP_URL}/auth/sso/saml/${c.slug}/login?test=1`), params(c.slug)));
  if (login.status !== 302) return { login, acs: null };
  const certs = (await listSpKeys(t.db, (await t.db.select().from(connections).where(eq(connections.id, c.id)))[0]!.workspaceId, c.id)).map(
    (k) => k.certificatePem,
  );
  const parsed = idp.parseAuthnRequest({ binding: "redirect", query: login.headers.get("location")!, spCertificatesPem: certs });
  const sp = spValues(TEST_APP_URL, c.slug);
  const samlResponse = idp.createResponse({
    acsUrl: sp.acsUrl,
    audience: sp.entityId,
    nameId: "it.admin@customer.test",
    inResponseTo: parsed.id,
  });
  const acs = browser.take(
    await acsRoute.POST(
      browser.request(`${TEST_APP_URL}/auth/sso/saml/${c.slug}/acs`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ SAMLResponse: samlResponse, RelayState: parsed.relayState ?? "" }).toString(),
      }),
      params(c.slug),
    ),
  );
  return { login, acs };
}

describe("setup links: create, list, revoke, resolve", () => {
  it("the token is 256 random bits, only in the URL fragment, stored hashed; default 7 days, at most 30", async () => {
    const now = new Date("2026-11-28T06:00:00Z");
    const l = await ownerLink("sso", { now });
    expect(l.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(l.url).toBe(`${TEST_APP_URL}/setup#${l.token}`);
    expect(l.link.expiresAt.getTime() - now.getTime()).toBe(7 * DAY);
    const [row] = await t.db.select().from(setupLinks).where(eq(setupLinks.id, l.link.id));
    expect(row!.tokenHash).toBe(createHash("sha256").update(l.token).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(l.token);
    expect(JSON.stringify(await listSetupLinks(t.db, l.workspace.id))).not.toContain(row!.tokenHash);

    const thirty = await createSetupLink(t.db, l.workspace.id, { purpose: "sso", expiresInDays: 30 }, l.ownerActor, {
      appUrl: TEST_APP_URL,
      now,
    });
    expect(thirty.link.expiresAt.getTime() - now.getTime()).toBe(30 * DAY);
    expect(
      await codeOf(createSetupLink(t.db, l.workspace.id, { purpose: "sso", expiresInDays: 31 }, l.ownerActor, { appUrl: TEST_APP_URL })),
    ).toBe("ZOD");
  });

  it("only owners (and the operator) create and revoke setup links; never a setup link itself", async () => {
    const l = await ownerLink();
    const admin = await addMember(t.db, l.workspace.id, { role: "admin" });
    expect(
      await codeOf(
        createSetupLink(t.db, l.workspace.id, { purpose: "sso" }, memberActor(admin.user.id, "admin"), { appUrl: TEST_APP_URL }),
      ),
    ).toBe("FORBIDDEN");
    expect(await codeOf(revokeSetupLink(t.db, l.workspace.id, l.link.id, memberActor(admin.user.id, "admin")))).toBe("FORBIDDEN");
    const { setupLinkActor } = await import("@/lib/services/actor");
    expect(
      await codeOf(createSetupLink(t.db, l.workspace.id, { purpose: "sso" }, setupLinkActor(l.link.id), { appUrl: TEST_APP_URL })),
    ).toBe("FORBIDDEN");
    expect(await codeOf(createSetupLink(t.db, l.workspace.id, { purpose: "directory" }, OPERATOR, { appUrl: TEST_APP_URL }))).toBe("OK");
  });

  it("unknown, expired and revoked tokens resolve alike (null / SETUP_LINK_INVALID)", async () => {
    const now = new Date();
    const l = await ownerLink("sso", { expiresInDays: 1 });
    expect((await resolveSetupLinkToken(t.db, l.token))?.link.id).toBe(l.link.id);
    expect(await resolveSetupLinkToken(t.db, l.token, new Date(now.getTime() + DAY + 60_000))).toBeNull();
    expect(await resolveSetupLinkToken(t.db, "A".repeat(43))).toBeNull();
    expect(await resolveSetupLinkToken(t.db, `${l.token}x`)).toBeNull();
    await revokeSetupLink(t.db, l.workspace.id, l.link.id, l.ownerActor);
    expect(await resolveSetupLinkToken(t.db, l.token)).toBeNull();
    expect(await codeOf(requireSetupLink(t.db, l.token))).toBe("SETUP_LINK_INVALID");
    expect((await listSetupLinks(t.db, l.workspace.id))[0]!.status).toBe("revoked");
  });
});

describe("setup links: fragment → cookie exchange", () => {
  it("sets the token as a short HttpOnly SameSite=Lax cookie and audits the opening as the link", async () => {
    const l = await ownerLink();
    const browser = new TestBrowser();
    const res = await exchange(browser, l.token);
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith(`${setupLinkCookieName()}=`))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    expect(Number(/Max-Age=(\d+)/.exec(cookie)![1])).toBeLessThanOrEqual(2 * 60 * 60);
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    const { items } = await listAuditPage(t.db, l.workspace.id);
    expect(items.find((i) => i.action === "setup_link.opened")?.actor).toEqual({
      kind: "setup_link",
      id: l.link.id,
      name: "Jo at Acme IT",
    });
  });

  it("unknown, revoked and expired tokens get the same answer (no oracle); a foreign origin cannot exchange", async () => {
    const l = await ownerLink();
    const gone = await ownerLink();
    await revokeSetupLink(t.db, gone.workspace.id, gone.link.id, gone.ownerActor);
    const old = await ownerLink("sso", { now: new Date(Date.now() - 8 * DAY) });
    const answers = await Promise.all(
      [gone.token, old.token, "B".repeat(43), "short"].map(async (tok) => {
        const r = await exchange(new TestBrowser(), tok);
        return { status: r.status, body: JSON.parse(await r.text()) };
      }),
    );
    for (const a of answers) expect(a).toEqual(answers[0]);
    expect(answers[0]!.status).toBe(404);
    expect(answers[0]!.body.error.code).toBe("SETUP_LINK_INVALID");
    expect((await exchange(new TestBrowser(), l.token, "https://evil.example")).status).toBe(404);
  });
});

describe("setup links: attacks", () => {
  it("attack: a setup link cannot reach another workspace's or the owners' own connections", async () => {
    const l = await ownerLink();
    const other = await makeWorkspace(t.db);
    const foreign = await addSamlConnection(t.db, other.workspace.id, memberActor(other.owner.id, "owner"));
    const ownersOwn = await addSamlConnection(t.db, l.workspace.id, l.ownerActor);
    for (const c of [foreign.connection, ownersOwn.connection]) {
      expect(await codeOf(getSetupLinkConnectionOrThrow(t.db, l.resolved, c.id))).toBe("NOT_FOUND");
      expect(
        await codeOf(updateSetupLinkConnection(t.db, l.resolved, c.id, { version: c.version, metadataXml: devIdp().metadataXml })),
      ).toBe("NOT_FOUND");
    }
    // Another link of the same workspace does not see this link's connection either.
    const { c } = await linkConnection(l.resolved);
    const second = await createSetupLink(t.db, l.workspace.id, { purpose: "sso" }, l.ownerActor, { appUrl: TEST_APP_URL });
    const r2 = (await resolveSetupLinkToken(t.db, second.token))!;
    expect(await codeOf(getSetupLinkConnectionOrThrow(t.db, r2, c.id))).toBe("NOT_FOUND");
    expect((await listSetupLinkConnections(t.db, l.resolved)).map((x) => x.id)).toEqual([c.id]);
    // The owners' connection is untouched.
    expect((await getConnectionOrThrow(t.db, l.workspace.id, ownersOwn.connection.id)).version).toBe(ownersOwn.connection.version);
  });

  it("attack: a setup link cannot give a role above the workspace default (viewer)", async () => {
    const l = await ownerLink();
    const { metadataXml, id } = devIdp();
    for (const role of ["admin", "editor"] as const) {
      expect(
        await codeOf(createSetupLinkConnection(t.db, l.resolved, { name: "X", slug: `sx-${role}-${id}`, defaultRole: role, metadataXml })),
      ).toBe("SETUP_LINK_OUT_OF_SCOPE");
    }
    const { c } = await linkConnection(l.resolved);
    expect(await codeOf(updateSetupLinkConnection(t.db, l.resolved, c.id, { version: c.version, defaultRole: "admin" }))).toBe(
      "SETUP_LINK_OUT_OF_SCOPE",
    );
    expect(
      await codeOf(
        createSetupLinkDirectory(t.db, (await ownerLink("directory")).resolved, { name: "Okta", kind: "okta", defaultRole: "admin" }),
      ),
    ).toBe("SETUP_LINK_OUT_OF_SCOPE");
  });

  it("attack: a setup link cannot switch a connection on, link accounts, allow IdP-initiated or SHA-1 (owner decisions)", async () => {
    const l = await ownerLink();
    const { c } = await linkConnection(l.resolved);
    for (const patch of [
      { active: true },
      { allowAccountLinking: true },
      { allowIdpInitiated: true },
      { allowSha1: true },
      { jitProvisioning: false },
    ]) {
      expect(await codeOf(updateSetupLinkConnection(t.db, l.resolved, c.id, { version: c.version, ...patch }))).toBe(
        "SETUP_LINK_OUT_OF_SCOPE",
      );
    }
    // What it asked for at creation is overridden: inactive, no linking, no IdP-initiated.
    const { metadataXml, id } = devIdp();
    const made = await createSetupLinkConnection(t.db, l.resolved, {
      name: "Y",
      slug: `sy-${id}`,
      metadataXml,
      active: true,
      allowAccountLinking: true,
      allowIdpInitiated: true,
      allowSha1: true,
    });
    expect(made).toMatchObject({ active: false, allowAccountLinking: false, allowIdpInitiated: false, allowSha1: false });
  });

  it("attack: a setup link cannot act outside its purpose", async () => {
    const domains = await ownerLink("domains");
    const { metadataXml } = devIdp();
    expect(await codeOf(createSetupLinkConnection(t.db, domains.resolved, { name: "X", slug: "never-made", metadataXml }))).toBe(
      "SETUP_LINK_OUT_OF_SCOPE",
    );
    expect(await codeOf(createSetupLinkDirectory(t.db, domains.resolved, { name: "X", kind: "okta" }))).toBe("SETUP_LINK_OUT_OF_SCOPE");
    const sso = await ownerLink("sso");
    expect(await codeOf(addSetupLinkDomain(t.db, sso.resolved, "example.com"))).toBe("SETUP_LINK_OUT_OF_SCOPE");
    expect(await codeOf(addSetupLinkDomain(t.db, domains.resolved, `d-${Date.now()}.example.com`))).toBe("OK");
  });

  it("attack: a setup link cannot reach members, API keys, enforcement, role mappings or domain routing: its pages expose no such action", async () => {
    const surfaces = {
      sso: Object.keys(await import("@/app/setup/actions")).sort(),
      domains: Object.keys(await import("@/app/setup/domain-actions")).sort(),
      directory: Object.keys(await import("@/app/setup/directory-actions")).sort(),
    };
    expect(surfaces).toEqual({
      sso: ["checkSlugAction", "createConnectionAction", "latestTestEventAction", "previewMetadataAction", "updateConnectionAction"],
      domains: ["addDomainAction", "listDomainsAction", "removeDomainAction", "routeDomainAction", "verifyDomainAction"],
      directory: ["createDirectoryAction"],
    });
    // The two domain actions a shared component needs are there only to refuse.
    const domainActions = await import("@/app/setup/domain-actions");
    expect(await domainActions.routeDomainAction("x", "y", null)).toMatchObject({ ok: false, code: "SETUP_LINK_OUT_OF_SCOPE" });
    expect(await domainActions.removeDomainAction("x", "y")).toMatchObject({ ok: false, code: "SETUP_LINK_OUT_OF_SCOPE" });
  });

  it("attack: a setup link's connection cannot reach owners or admins, nor sign anyone in, until an owner approves and activates it", async () => {
    const l = await ownerLink();
    const { c } = await linkConnection(l.resolved);
    expect(c.trustApprovedVia).toBeNull();
    expect(c.active).toBe(false);
    const reach = await mayReachPrivilegedAccount(t.db, { connection: c, userId: l.owner.id, role: null });
    expect(reach).toEqual({ ok: false, reason: "not_owner_approved" });
    expect(await mayReachPrivilegedAccount(t.db, { connection: c, userId: null, role: "admin" })).toEqual({
      ok: false,
      reason: "not_owner_approved",
    });
    // An owner approves: now it may (and the link's later IdP change clears the approval again).
    const approved = await approveConnectionTrust(t.db, l.workspace.id, c.id, l.ownerActor);
    expect(await mayReachPrivilegedAccount(t.db, { connection: approved, userId: l.owner.id, role: null })).toEqual({ ok: true });
    const changed = await updateSetupLinkConnection(t.db, l.resolved, c.id, {
      version: approved.version,
      metadataXml: devIdp().metadataXml,
    });
    expect(changed.trustApprovedVia).toBeNull();
    expect(await mayReachPrivilegedAccount(t.db, { connection: changed, userId: l.owner.id, role: null })).toEqual({
      ok: false,
      reason: "not_owner_approved",
    });
    // Renaming is not a trust change: an owner's approval stays.
    const again = await approveConnectionTrust(t.db, l.workspace.id, c.id, l.ownerActor);
    expect(
      (await updateSetupLinkConnection(t.db, l.resolved, c.id, { version: again.version, name: "Okta (prod)" })).trustApprovedVia,
    ).toBe("owner");
  });
});

describe("setup links: test sign-in completes the link", () => {
  it("the IT admin's test sign-in through the link's connection lands on the setup page, completes the link, and the owners see it", async () => {
    const l = await ownerLink();
    const { c, idp } = await linkConnection(l.resolved);
    const browser = new TestBrowser();
    await exchange(browser, l.token);
    const { login, acs } = await testSignIn(browser, c, idp);
    expect(login.status).toBe(302);
    expect(acs!.status).toBe(303);
    const location = acs!.headers.get("location")!;
    expect(location).toMatch(/\/setup\/test\/[0-9a-f-]{36}$/);

    const [row] = await t.db.select().from(setupLinks).where(eq(setupLinks.id, l.link.id));
    expect(row!.completedAt).not.toBeNull();
    const completions = await listRecentSetupLinkCompletions(t.db, l.workspace.id);
    expect(completions.map((x) => [x.link.id, x.connections.map((y) => y.id)])).toEqual([[l.link.id, [c.id]]]);
    const { items } = await listAuditPage(t.db, l.workspace.id);
    const done = items.find((i) => i.action === "setup_link.completed")!;
    expect(done.actor).toEqual({ kind: "setup_link", id: l.link.id, name: "Jo at Acme IT" });
    expect(done.after).toMatchObject({ connectionId: c.id });
    // Every change the link made is audited as the link.
    const created = items.find((i) => i.action === "connection.created" && i.targetId === c.id)!;
    expect(created.actor).toEqual({ kind: "setup_link", id: l.link.id, name: "Jo at Acme IT" });
    // Completion is recorded once, and the owners are emailed once.
    expect(await markSetupLinkCompleted(t.db, l.link.id, { connectionId: c.id })).toBe(false);
    const mails = await t.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.kind, "setup_link_completed"), eq(outbox.workspaceId, l.workspace.id)));
    expect(mails.map((m) => m.to)).toEqual([l.owner.email]);
    expect(mails[0]!.subject).toContain(c.name);
  });

  it("attack: a setup link's cookie cannot test the owners' own connection (or another workspace's)", async () => {
    const l = await ownerLink();
    const ownersOwn = await addSamlConnection(t.db, l.workspace.id, l.ownerActor);
    const browser = new TestBrowser();
    await exchange(browser, l.token);
    const { login } = await testSignIn(browser, ownersOwn.connection, ownersOwn.idp);
    expect(login.status).toBe(404);
    expect(await login.text()).toContain("SAML_NOT_FOUND");
  });

  it("attack: a revoked link stops at once, including a cookie already exchanged (test start refused, no completion)", async () => {
    const l = await ownerLink();
    const { c, idp } = await linkConnection(l.resolved);
    const browser = new TestBrowser();
    await exchange(browser, l.token);
    expect(browser.cookies.get(setupLinkCookieName())).toBe(l.token);
    await revokeSetupLink(t.db, l.workspace.id, l.link.id, l.ownerActor);
    const { login } = await testSignIn(browser, c, idp);
    expect(login.status).toBe(404);
    expect(await codeOf(requireSetupLink(t.db, browser.cookies.get(setupLinkCookieName())))).toBe("SETUP_LINK_INVALID");
    // What the page's actions resolve from that cookie: nothing (so nothing of the link's scope is reachable).
    expect(await resolveSetupLinkToken(t.db, browser.cookies.get(setupLinkCookieName()))).toBeNull();
    expect(await markSetupLinkCompleted(t.db, l.link.id, { connectionId: c.id })).toBe(false);
  });

  it("attack: an expired link stops at once, including a cookie already exchanged", async () => {
    const l = await ownerLink("sso", { expiresInDays: 1 });
    const { c, idp } = await linkConnection(l.resolved);
    const browser = new TestBrowser();
    await exchange(browser, l.token);
    await t.db
      .update(setupLinks)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(setupLinks.id, l.link.id));
    const { login } = await testSignIn(browser, c, idp);
    expect(login.status).toBe(404);
    expect(await resolveSetupLinkToken(t.db, browser.cookies.get(setupLinkCookieName()))).toBeNull();
  });

  it("a real sign-in through a setup link's connection is refused until an owner activates it", async () => {
    const l = await ownerLink();
    const { c } = await linkConnection(l.resolved);
    const res = await loginRoute.GET(new Request(`${TEST_APP_URL}/auth/sso/saml/${c.slug}/login`), params(c.slug));
    expect(res.status).toBe(410);
    expect(await res.text()).toContain("SAML_INACTIVE");
    const current = await getConnectionOrThrow(t.db, l.workspace.id, c.id);
    await updateConnection(t.db, l.workspace.id, c.id, { version: current.version, active: true }, l.ownerActor);
    const ok = await loginRoute.GET(new Request(`${TEST_APP_URL}/auth/sso/saml/${c.slug}/login`), params(c.slug));
    expect(ok.status).toBe(302);
  });
});
