import { and, eq } from "drizzle-orm";
import * as client from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memberships, workspaces } from "@/db/schema";
import { setUserDisabled } from "@/lib/services/users";
import { uniq as uniqueSuffix } from "@/lib/testing/fixtures";
import {
  addMember,
  authorize,
  CALLBACK,
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
 * The attack catalogue against the provider, with openid-client as the honest relying party and a
 * raw HTTP client as the attacker. Every case asserts the protocol error, never message text.
 */
describe.each(await bothTestDbKinds())("OpenID Connect attacks on %s", (kind) => {
  let t: TestDb;
  let op: OidcServer;
  let a: SamlKit; // organization A, SSO through its own IdP
  let b: SamlKit; // organization B
  let appA: TestApp;
  let appB: TestApp;
  let domainA: string;
  let domainB: string;

  beforeAll(async () => {
    t = await createTestDb({ kind });
    op = await startOidcServer(t.db);
    a = await makeSamlKit(t.db);
    b = await makeSamlKit(t.db);
    domainA = `a-${uniqueSuffix()}.test`;
    domainB = `b-${uniqueSuffix()}.test`;
    await routeDomain(t.db, a.workspace.id, domainA, a.connection.id);
    await routeDomain(t.db, b.workspace.id, domainB, b.connection.id);
    appA = await registerApp(t.db, op);
    appB = await registerApp(t.db, op);
  });
  afterAll(async () => {
    await op?.close();
    await t?.close();
  });

  /** A member of A signed in through A's IdP, with a code for appA (organization A). */
  async function codeForA(app = appA) {
    const browser = new HttpBrowser(op.url);
    const start = await startAuthorization(app, { organization: a.workspace.slug });
    const first = await authorize(browser, start);
    const returnTo = new URL(first.location!).searchParams.get("return_to") ?? new URL(first.location!).searchParams.get("next")!;
    const user = await signInWithSso(t.db, browser, a, { email: `m-${uniqueSuffix()}@${domainA}`, returnTo });
    const back = await browser.navigate(`${op.url}${returnTo}`);
    return { browser, start, user, callback: back.location! };
  }

  it("an authorization code works once; its reuse is refused and revokes what the first use issued", async () => {
    const { start, callback } = await codeForA();
    const tokens = await exchange(appA, start, callback);
    await expect(exchange(appA, start, callback)).rejects.toMatchObject({ error: "invalid_grant" });
    expect((await client.tokenIntrospection(appA.config, tokens.access_token)).active).toBe(false);
    await expect(client.refreshTokenGrant(appA.config, tokens.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
  });

  it("a code is bound to its client, its redirect_uri and its PKCE verifier", async () => {
    const one = await codeForA();
    // Another application presents the code.
    await expect(
      client.authorizationCodeGrant(appB.config, new URL(one.callback), {
        pkceCodeVerifier: one.start.verifier,
        expectedState: one.start.state,
      }),
    ).rejects.toMatchObject({ error: "invalid_grant" });
    const two = await codeForA();
    await expect(
      client.authorizationCodeGrant(appA.config, new URL(two.callback), {
        pkceCodeVerifier: client.randomPKCECodeVerifier(),
        expectedState: two.start.state,
      }),
    ).rejects.toMatchObject({ error: "invalid_grant" });
    const three = await codeForA();
    const code = new URL(three.callback).searchParams.get("code")!;
    const res = await fetch(`${op.issuer}/token`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from(`${appA.application.clientId}:${appA.clientSecret}`).toString("base64")}` },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code,
        code_verifier: three.start.verifier,
        redirect_uri: `${CALLBACK}/other`,
      }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe("invalid_grant");
  });

  it("a refresh token works only for its own client; a code dies with the member's access; redirect_uri may not be omitted", async () => {
    const one = await codeForA();
    const tokens = await exchange(appA, one.start, one.callback);
    await expect(client.refreshTokenGrant(appB.config, tokens.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
    expect((await client.refreshTokenGrant(appA.config, tokens.refresh_token!)).access_token).toBeTruthy();

    const two = await codeForA();
    await t.db
      .update(memberships)
      .set({ disabled: true })
      .where(and(eq(memberships.userId, two.user.id), eq(memberships.workspaceId, a.workspace.id)));
    await expect(exchange(appA, two.start, two.callback)).rejects.toMatchObject({ error: "invalid_grant" });

    const start = await startAuthorization(appA);
    start.url.searchParams.delete("redirect_uri");
    const res = await fetch(start.url, { redirect: "manual" });
    expect(res.status).toBe(400);
    expect(res.headers.get("location")).toBeNull();
  });

  it("PKCE is required, and only S256: a request without it or with plain is refused at the redirect URI", async () => {
    const browser = new HttpBrowser(op.url);
    const base = (extra: Record<string, string>) =>
      `${op.issuer}/auth?${new URLSearchParams({ client_id: appA.application.clientId, response_type: "code", scope: "openid", redirect_uri: CALLBACK, state: "s1", ...extra })}`;
    const missing = await browser.navigate(base({}));
    expect(callbackParams(missing.location).get("error")).toBe("invalid_request");
    expect(callbackParams(missing.location).get("code")).toBeNull();
    const plain = await browser.navigate(base({ code_challenge: "a".repeat(43), code_challenge_method: "plain" }));
    expect(callbackParams(plain.location).get("error")).toBe("invalid_request");
    expect(callbackParams(plain.location).get("state")).toBe("s1");
  });

  it("an unregistered redirect URI is refused with a page, never a redirect (exact match only)", async () => {
    for (const redirect of [
      "https://evil.test/callback",
      `${CALLBACK}/../evil`,
      `${CALLBACK}x`,
      `${CALLBACK}?next=https://evil.test`,
      `${CALLBACK}#x`,
      CALLBACK.replace("http:", "https:"),
    ]) {
      const start = await startAuthorization(appA, { redirect_uri: redirect });
      const res = await fetch(start.url, { redirect: "manual" });
      expect(res.status, redirect).toBe(400);
      expect(res.headers.get("location"), redirect).toBeNull();
      expect(res.headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'/);
      expect(await res.text()).toMatch(/redirect_uri/);
    }
    // An unknown client_id as well.
    const res = await fetch(
      `${op.issuer}/auth?client_id=app_${"x".repeat(24)}&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(CALLBACK)}`,
      {
        redirect: "manual",
      },
    );
    expect(res.status).toBe(400);
    expect(res.headers.get("location")).toBeNull();
  });

  it("implicit and hybrid response types are not available", async () => {
    for (const responseType of ["token", "id_token", "code id_token", "code token"]) {
      const start = await startAuthorization(appA, { response_type: responseType });
      const r = await new HttpBrowser(op.url).navigate(start.url.toString());
      const params = callbackParams(r.location);
      expect(params.get("error"), responseType).toBe("unsupported_response_type");
      expect(params.get("access_token")).toBeNull();
      expect(params.get("id_token")).toBeNull();
    }
  });

  it("the Host header (and X-Forwarded-*) never changes a URL: discovery and redirects use APP_URL", async () => {
    const headers = {
      host: "evil.test",
      "x-forwarded-host": "evil.test",
      "x-forwarded-proto": "https",
      forwarded: "host=evil.test;proto=https",
    };
    const res = await fetch(`${op.issuer}/.well-known/openid-configuration`, { headers });
    const body = await res.text();
    expect(body).not.toContain("evil.test");
    const m = JSON.parse(body) as Record<string, string>;
    expect(m.issuer).toBe(op.issuer);
    expect(m.authorization_endpoint).toBe(`${op.issuer}/auth`);
    expect(m.jwks_uri).toBe(`${op.issuer}/jwks`);
    const start = await startAuthorization(appA);
    const auth = await fetch(start.url, { headers, redirect: "manual" });
    expect(auth.status).toBe(303);
    expect(new URL(auth.headers.get("location")!, op.url).origin).toBe(op.url);
    expect(auth.headers.get("location")).not.toContain("evil.test");
    for (const c of auth.headers.getSetCookie()) expect(c).not.toMatch(/domain=evil/i);
  });

  it("introspection answers only the token's own client; another client's revocation does nothing", async () => {
    const { start, callback } = await codeForA();
    const tokens = await exchange(appA, start, callback);
    expect(await client.tokenIntrospection(appB.config, tokens.access_token)).toEqual({ active: false });
    expect(await client.tokenIntrospection(appB.config, tokens.refresh_token!)).toEqual({ active: false });
    await client.tokenRevocation(appB.config, tokens.access_token).catch(() => {});
    expect((await client.tokenIntrospection(appA.config, tokens.access_token)).active).toBe(true);
    // And a wrong secret is no client at all.
    const wrong = await client.discovery(new URL(op.issuer), appA.application.clientId, "not-the-secret", undefined, {
      execute: [client.allowInsecureRequests],
    });
    await expect(client.tokenIntrospection(wrong, tokens.access_token)).rejects.toMatchObject({ error: "invalid_client" });
  });

  it("organization is pinned: a member of B asking for A gets access_denied (same answer as an unknown organization)", async () => {
    const browser = new HttpBrowser(op.url);
    const startB = await startAuthorization(appA, { organization: b.workspace.slug });
    const first = await authorize(browser, startB);
    const returnTo = new URL(first.location!).searchParams.get("return_to") ?? new URL(first.location!).searchParams.get("next")!;
    await signInWithSso(t.db, browser, b, { email: `b-${uniqueSuffix()}@${domainB}`, returnTo });
    expect(callbackParams((await browser.navigate(`${op.url}${returnTo}`)).location).get("code")).toBeTruthy();

    const startA = await startAuthorization(appA, { organization: a.workspace.slug });
    const denied = callbackParams((await authorize(browser, startA)).location);
    expect(denied.get("error")).toBe("access_denied");
    expect(denied.get("state")).toBe(startA.state);
    const unknown = await startAuthorization(appA, { organization: `nope-${uniqueSuffix()}` });
    const unknownParams = callbackParams((await authorize(browser, unknown)).location);
    expect(unknownParams.get("error")).toBe("access_denied");
    expect(unknownParams.get("error_description")).toBe(denied.get("error_description"));
  });

  it("a cross-tenant login_hint never moves the request to the other organization's IdP", async () => {
    const browser = new HttpBrowser(op.url);
    // Asking for A with an address in B's routed domain: not B's SSO, A's own sign-in.
    const start = await startAuthorization(appA, { organization: a.workspace.slug, login_hint: `victim@${domainB}` });
    const r = await authorize(browser, start);
    expect(r.location).not.toContain(b.connection.slug);
    expect(r.location).toMatch(/\/login\?/);
    // A connection of B asked for together with organization A: refused outright.
    const mixed = await startAuthorization(appA, { organization: a.workspace.slug, connection: b.connection.slug });
    expect(callbackParams((await authorize(new HttpBrowser(op.url), mixed)).location).get("error")).toBe("access_denied");
  });

  it("a person in both organizations signed in through B's IdP cannot obtain A's claims without A's own sign-in when A enforces SSO", async () => {
    // Enforcement covers people whose address is in a domain A verified and routed (issue 15): the
    // person joined A through A's IdP with an address of A's domain, and is also a member of B.
    const joined = new HttpBrowser(op.url);
    const startA0 = await startAuthorization(appA, { organization: a.workspace.slug });
    const first = await authorize(joined, startA0);
    const returnTo = new URL(first.location!).searchParams.get("return_to") ?? new URL(first.location!).searchParams.get("next")!;
    const user = await signInWithSso(t.db, joined, a, { email: `both-${uniqueSuffix()}@${domainA}`, returnTo });
    await addMember(t.db, b.workspace.id, user.id, "admin");
    // B's IdP can never sign in an address of A's verified domain…
    const viaB = new HttpBrowser(op.url);
    const startB = await startAuthorization(appB, { organization: b.workspace.slug });
    const firstB = await authorize(viaB, startB);
    const returnToB = new URL(firstB.location!).searchParams.get("return_to") ?? new URL(firstB.location!).searchParams.get("next")!;
    await expect(signInWithSso(t.db, viaB, b, { email: user.email, returnTo: returnToB })).rejects.toThrow(/SAML_EMAIL_OUTSIDE_DOMAINS/);
    // …and even a Gatehouse session made through B's connection is not A's own sign-in.
    await viaB.signIn(user, { connectionId: b.connection.id });
    await t.db.update(workspaces).set({ ssoEnforcement: "sso_provisioned_users" }).where(eq(workspaces.id, a.workspace.id));
    try {
      const startA = await startAuthorization(appA, { organization: a.workspace.slug });
      const r = await authorize(viaB, startA);
      expect(r.location).toContain(`/auth/sso/saml/${a.connection.slug}/login`);
    } finally {
      await t.db.update(workspaces).set({ ssoEnforcement: "off" }).where(eq(workspaces.id, a.workspace.id));
    }
  });

  it("a password sign-in's refresh token stops once the organization enforces SSO for the person", async () => {
    const browser = new HttpBrowser(op.url);
    const { user } = await (async () => {
      const s = await startAuthorization(appA, { organization: a.workspace.slug });
      const first = await authorize(browser, s);
      const returnTo = new URL(first.location!).searchParams.get("next")!;
      const u = await signInWithSso(t.db, browser, a, { email: `pwd-${uniqueSuffix()}@${domainA}`, returnTo });
      return { user: u };
    })();
    // The same person, now signed in by password (no connection) in another browser.
    const laptop = new HttpBrowser(op.url);
    await laptop.signIn(user, { amr: "pwd" });
    const start = await startAuthorization(appA, { organization: a.workspace.slug });
    const tokens = await exchange(appA, start, (await authorize(laptop, start)).location!);
    expect(tokens.claims()!.amr).toEqual(["pwd"]);
    await t.db.update(workspaces).set({ ssoEnforcement: "verified_domains" }).where(eq(workspaces.id, a.workspace.id));
    try {
      await expect(client.refreshTokenGrant(appA.config, tokens.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
      await expect(client.fetchUserInfo(appA.config, tokens.access_token, user.id)).rejects.toBeTruthy();
    } finally {
      await t.db.update(workspaces).set({ ssoEnforcement: "off" }).where(eq(workspaces.id, a.workspace.id));
    }
  });

  it("prompt=none without a Gatehouse session answers login_required; a disabled person's refresh token stops working", async () => {
    const none = await startAuthorization(appA, { prompt: "none", organization: a.workspace.slug });
    expect(callbackParams((await authorize(new HttpBrowser(op.url), none)).location).get("error")).toBe("login_required");

    const { start, callback, user } = await codeForA();
    const tokens = await exchange(appA, start, callback);
    await setUserDisabled(t.db, user.id, true);
    await expect(client.refreshTokenGrant(appA.config, tokens.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
    await expect(client.fetchUserInfo(appA.config, tokens.access_token, user.id)).rejects.toBeTruthy();
  });

  it("an interaction only continues in the browser that started it, and only once", async () => {
    const { browser, start } = await (async () => {
      const b2 = new HttpBrowser(op.url);
      const s = await startAuthorization(appA, { organization: a.workspace.slug });
      return { browser: b2, start: s };
    })();
    const first = await authorize(browser, start);
    const returnTo = new URL(first.location!).searchParams.get("next")!;
    // Another browser (no interaction cookie) opening the same step gets a page, not a redirect.
    const stranger = await new HttpBrowser(op.url).request(`${op.url}${returnTo}`);
    expect(stranger.status).toBe(400);
    expect(stranger.headers.get("location")).toBeNull();
    // A cross-site form post to the organization step carries no SameSite=Lax cookie: refused the same way.
    const post = await fetch(`${op.url}${returnTo}/organization`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "organization=x",
      redirect: "manual",
    });
    expect(post.status).toBe(400);

    await signInWithSso(t.db, browser, a, { email: `once-${uniqueSuffix()}@${domainA}`, returnTo });
    const done = await browser.navigate(`${op.url}${returnTo}`);
    expect(callbackParams(done.location).get("code")).toBeTruthy();
    const again = await browser.request(`${op.url}${returnTo}`);
    expect(again.status).toBe(400);
  });
});
