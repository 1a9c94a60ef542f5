import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memberships, workspaces } from "@/db/schema";
import { readGatehouseSession } from "@/lib/auth/session-reader";
import { createWorkspace } from "@/lib/services/workspaces";
import { uniq as uniqueSuffix } from "@/lib/testing/fixtures";
import {
  addMember,
  authorize,
  callbackParams,
  exchange,
  registerApp,
  routeDomain,
  signInWithSso,
  startAuthorization,
  startOidcServer,
  HttpBrowser,
  type OidcServer,
  type TestApp,
} from "@/lib/testing/oidc-kit";
import { makeSamlKit, type SamlKit } from "@/lib/testing/saml-kit";
import { bothTestDbKinds, createTestDb, type TestDb } from "@/lib/testing/test-db";

/**
 * Gatehouse's login step behind the provider: which sign-in the parameters lead to (organization,
 * connection, domain_hint, login_hint), prompt and max_age against the Gatehouse session, SSO
 * enforcement, the organization picker, and no consent screen for first-party applications.
 */
describe.each(await bothTestDbKinds())("OpenID Connect login step on %s", (kind) => {
  let t: TestDb;
  let op: OidcServer;
  let kit: SamlKit;
  let app: TestApp;
  let domain: string;

  beforeAll(async () => {
    t = await createTestDb({ kind });
    op = await startOidcServer(t.db);
    kit = await makeSamlKit(t.db);
    domain = `step-${uniqueSuffix()}.test`;
    await routeDomain(t.db, kit.workspace.id, domain, kit.connection.id);
    app = await registerApp(t.db, op);
  });
  afterAll(async () => {
    await op?.close();
    await t?.close();
  });

  const ssoLogin = (slug: string) => new RegExp(`/auth/sso/saml/${slug}/login\\?return_to=%2Foidc%2Finteraction%2F`);

  it("without parameters: Gatehouse's email-first page, coming back to the interaction", async () => {
    const r = await authorize(new HttpBrowser(op.url), await startAuthorization(app));
    const u = new URL(r.location!);
    expect(u.pathname).toBe("/login");
    expect(u.searchParams.get("next")).toMatch(/^\/oidc\/interaction\/[A-Za-z0-9_-]+$/);
    expect(u.searchParams.has("reauth")).toBe(false);
  });

  it("login_hint runs discovery: a routed domain goes straight to its SSO; an unrouted one pre-fills the email page", async () => {
    const routed = await authorize(new HttpBrowser(op.url), await startAuthorization(app, { login_hint: `ada@${domain}` }));
    expect(routed.location).toMatch(ssoLogin(kit.connection.slug));
    const other = await authorize(new HttpBrowser(op.url), await startAuthorization(app, { login_hint: "ada@unrouted.test" }));
    expect(new URL(other.location!).searchParams.get("email")).toBe("ada@unrouted.test");
    const domainHint = await authorize(new HttpBrowser(op.url), await startAuthorization(app, { domain_hint: domain.toUpperCase() }));
    expect(domainHint.location).toMatch(ssoLogin(kit.connection.slug));
  });

  it("connection pins the IdP: a session through another connection is not enough", async () => {
    const second = await makeSamlKit(t.db);
    const browser = new HttpBrowser(op.url);
    const start = await startAuthorization(app, { connection: second.connection.slug });
    const first = await authorize(browser, start);
    expect(first.location).toMatch(ssoLogin(second.connection.slug));
    const returnTo = new URL(first.location!).searchParams.get("return_to")!;
    // Signed in through the kit's connection instead: sent back to the pinned one.
    await signInWithSso(t.db, browser, kit, { email: `pin-${uniqueSuffix()}@${domain}`, returnTo });
    expect((await browser.navigate(`${op.url}${returnTo}`)).location).toMatch(ssoLogin(second.connection.slug));
    await signInWithSso(t.db, browser, second, { email: `pin-${uniqueSuffix()}@second-${uniqueSuffix()}.test`, returnTo });
    const done = await browser.navigate(`${op.url}${returnTo}`);
    const tokens = await exchange(app, start, done.location!);
    expect(tokens.claims()).toMatchObject({ connection_id: second.connection.id, org_id: second.workspace.id });
  });

  it("organization by slug, id or external id; first-party: no consent screen, the code comes straight back", async () => {
    await t.db
      .update(workspaces)
      .set({ externalId: `tenant-${kit.workspace.id}` })
      .where(eq(workspaces.id, kit.workspace.id));
    const browser = new HttpBrowser(op.url);
    const start = await startAuthorization(app, { login_hint: `org-${uniqueSuffix()}@${domain}` });
    const first = await authorize(browser, start);
    await signInWithSso(t.db, browser, kit, {
      email: start.url.searchParams.get("login_hint")!,
      returnTo: new URL(first.location!).searchParams.get("return_to")!,
    });
    for (const organization of [kit.workspace.slug, kit.workspace.id, `tenant-${kit.workspace.id}`]) {
      const s = await startAuthorization(app, { organization });
      const r = await authorize(browser, s);
      const tokens = await exchange(app, s, r.location!);
      expect(tokens.claims()).toMatchObject({ org_id: kit.workspace.id, org_external_id: `tenant-${kit.workspace.id}` });
    }
  });

  it("prompt=login and max_age ask for a fresh sign-in; auth_time is the Gatehouse session's", async () => {
    const browser = new HttpBrowser(op.url);
    const [owner] = [kit.owner];
    const long = new Date(Date.now() - 2 * 3600_000);
    await browser.signIn(owner, { amr: "pwd", now: long });
    const ok = await startAuthorization(app, { organization: kit.workspace.slug });
    const tokens = await exchange(app, ok, (await authorize(browser, ok)).location!);
    expect(tokens.claims()!.auth_time).toBe(Math.floor(long.getTime() / 1000));
    expect(tokens.claims()!.amr).toEqual(["pwd"]);

    for (const params of [{ prompt: "login" }, { max_age: "60" }] as Record<string, string>[]) {
      const s = await startAuthorization(app, { organization: kit.workspace.slug, ...params });
      const r = await authorize(browser, s);
      const u = new URL(r.location!);
      expect(u.pathname, JSON.stringify(params)).toBe("/login");
      expect(u.searchParams.get("reauth")).toBe("1");
      // A fresh sign-in (the password form) and back to the interaction: now the code.
      await browser.signIn(owner, { amr: "pwd" });
      const back = await browser.navigate(`${op.url}${u.searchParams.get("next")}`);
      const fresh = await exchange(app, s, back.location!);
      expect(fresh.claims()!.auth_time as number).toBeGreaterThan(Math.floor(long.getTime() / 1000));
      await browser.signIn(owner, { amr: "pwd", now: long });
    }
    const within = await startAuthorization(app, { organization: kit.workspace.slug, max_age: String(3 * 3600) });
    expect(callbackParams((await authorize(browser, within)).location).get("code")).toBeTruthy();
  });

  it("an organization that enforces SSO refuses a password session and sends the person to its IdP", async () => {
    const ws = await makeSamlKit(t.db);
    // The organization verified its people's domain (so its IdP may sign in the owner's existing account).
    await routeDomain(t.db, ws.workspace.id, ws.owner.email.split("@")[1]!, ws.connection.id);
    const browser = new HttpBrowser(op.url);
    await browser.signIn(ws.owner, { amr: "pwd" });
    await t.db.update(memberships).set({ source: "sso" }).where(eq(memberships.userId, ws.owner.id));
    // Owners are break-glass by default (issue 15): this organization chose to enforce SSO for its owners too.
    await t.db
      .update(workspaces)
      .set({ ssoEnforcement: "sso_provisioned_users", ownersBreakGlass: false })
      .where(eq(workspaces.id, ws.workspace.id));
    const start = await startAuthorization(app, { organization: ws.workspace.slug });
    const r = await authorize(browser, start);
    // The password session itself ended under enforcement: sign in again, through the organization's SSO.
    expect(r.location).toMatch(/\/login\?next=%2Foidc%2Finteraction%2F/);
    const returnTo = new URL(r.location!).searchParams.get("next") ?? new URL(r.location!).searchParams.get("return_to")!;
    await signInWithSso(t.db, browser, ws, { email: ws.owner.email, returnTo });
    const tokens = await exchange(app, start, (await browser.navigate(`${op.url}${returnTo}`)).location!);
    expect(tokens.claims()).toMatchObject({ org_id: ws.workspace.id, amr: ["sso"], connection_id: ws.connection.id, role: "owner" });
  });

  it("a person in several organizations without an organization parameter picks one", async () => {
    const { workspace: w1, owner } = await createWorkspace(t.db, {
      slug: `p1-${uniqueSuffix()}`,
      name: "Alpha",
      ownerEmail: `multi-${uniqueSuffix()}@multi.test`,
    });
    const { workspace: w2 } = await createWorkspace(t.db, {
      slug: `p2-${uniqueSuffix()}`,
      name: "Beta",
      ownerEmail: `x-${uniqueSuffix()}@multi.test`,
    });
    await addMember(t.db, w2.id, owner.id, "editor");
    const browser = new HttpBrowser(op.url);
    await browser.signIn(owner, { amr: "pwd" });
    const start = await startAuthorization(app);
    const picker = await authorize(browser, start);
    expect(picker.location).toBeNull();
    const html = await picker.last.text();
    // The form's redirect chain ends at the application: CSP form-action must allow its origin.
    expect(picker.last.headers.get("content-security-policy")).toContain("form-action 'self' http://127.0.0.1:9");
    expect(html).toContain("Alpha");
    expect(html).toContain("Beta");
    const action = /action="([^"]+)"/.exec(html)![1]!;
    // Someone else's organization is not a choice: the picker comes back.
    const foreign = await browser.request(`${op.url}${action}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `organization=${kit.workspace.id}`,
    });
    expect(foreign.status).toBe(200);
    const chosen = await browser.request(`${op.url}${action}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `organization=${w2.id}`,
    });
    const done = await browser.navigate(new URL(chosen.headers.get("location")!, op.url).toString());
    const tokens = await exchange(app, start, done.location!);
    expect(tokens.claims()).toMatchObject({ org_id: w2.id, role: "editor" });
    void w1;
  });

  it("another person signing in to Gatehouse in the same browser: the provider's stale session ends, the new person's stays", async () => {
    const browser = new HttpBrowser(op.url);
    const first = await createWorkspace(t.db, {
      slug: `sw1-${uniqueSuffix()}`,
      name: "One",
      ownerEmail: `one-${uniqueSuffix()}@switch.test`,
    });
    const second = await createWorkspace(t.db, {
      slug: `sw2-${uniqueSuffix()}`,
      name: "Two",
      ownerEmail: `two-${uniqueSuffix()}@switch.test`,
    });
    await browser.signIn(first.owner, { amr: "pwd" });
    const s1 = await startAuthorization(app);
    expect((await exchange(app, s1, (await authorize(browser, s1)).location!)).claims()!.sub).toBe(first.owner.id);

    await browser.signIn(second.owner, { amr: "pwd" });
    const s2 = await startAuthorization(app);
    const r = await authorize(browser, s2);
    // The provider logs its previous person out with an auto-submitted form, then resumes.
    const html = await r.last.text();
    const action = /action="([^"]+)"/.exec(html)![1]!;
    const fields = Object.fromEntries([...html.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    const posted = await browser.request(new URL(action, op.url).toString(), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    });
    const done = await browser.navigate(new URL(posted.headers.get("location")!, op.url).toString());
    const tokens = await exchange(app, s2, done.location!);
    expect(tokens.claims()).toMatchObject({ sub: second.owner.id, org_id: second.workspace.id });
    // The second person's Gatehouse session was not ended by the first one's logout.
    expect(await readGatehouseSession(t.db, browser.header())).toMatchObject({ user: { id: second.owner.id } });
  });

  it("prompt=none: a code without interaction while the grant fits; login_required once the Gatehouse session ends", async () => {
    const browser = new HttpBrowser(op.url);
    const start = await startAuthorization(app, { login_hint: `silent-${uniqueSuffix()}@${domain}` });
    const first = await authorize(browser, start);
    await signInWithSso(t.db, browser, kit, {
      email: start.url.searchParams.get("login_hint")!,
      returnTo: new URL(first.location!).searchParams.get("return_to")!,
    });
    await browser.navigate(`${op.url}${new URL(first.location!).searchParams.get("return_to")!}`);
    const silent = await startAuthorization(app, { prompt: "none", organization: kit.workspace.slug });
    expect(callbackParams((await authorize(browser, silent)).location).get("code")).toBeTruthy();
    // Another organization than the grant's: not silently.
    const elsewhere = await startAuthorization(app, { prompt: "none", organization: (await makeSamlKit(t.db)).workspace.slug });
    expect(callbackParams((await authorize(browser, elsewhere)).location).get("error")).toMatch(/^(login_required|consent_required)$/);
    browser.signOut();
    const after = await startAuthorization(app, { prompt: "none", organization: kit.workspace.slug });
    expect(callbackParams((await authorize(browser, after)).location).get("error")).toBe("login_required");
  });
});
