import { eq } from "drizzle-orm";
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import * as client from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memberships, oidcLogoutDeliveries, oidcPayloads, users } from "@/db/schema";
import { mintSessionCookie, sessionCookieName } from "@/lib/auth/session-cookie";
import { readGatehouseSession } from "@/lib/auth/session-reader";
import { setConnectionDefaultApplication } from "@/lib/services/connection-default-app";
import { getMemberOrThrow, removeMember, setMemberDisabled } from "@/lib/services/members";
import { sweepOidcState } from "@/lib/services/oidc-maintenance";
import { rotateOidcKey } from "@/lib/services/oidc-keys";
import { redeemLoginTicket } from "@/lib/services/login-tickets";
import { consumeSamlResponse } from "@/lib/services/saml-acs";
import { revokeUserSessions } from "@/lib/services/users";
import { uniq as uniqueSuffix } from "@/lib/testing/fixtures";
import {
  addMember,
  authorize,
  callbackParams,
  exchange,
  registerApp,
  rediscover,
  routeDomain,
  runLogoutDeliveries,
  signInWithSso,
  startAuthorization,
  startLogoutReceiver,
  startOidcServer,
  HttpBrowser,
  type OidcServer,
  type TestApp,
} from "@/lib/testing/oidc-kit";
import { makeSamlKit, TEST_APP_URL, type SamlKit } from "@/lib/testing/saml-kit";
import { bothTestDbKinds, createTestDb, type TestDb } from "@/lib/testing/test-db";

/**
 * Lifecycle: ending a person's access kills their tokens and tells applications over back-channel
 * logout (delivered by the job, with retries), RP-initiated logout ends the Gatehouse session, key
 * rotation keeps earlier ID tokens verifiable, IdP-initiated sign-in lands in the application, and
 * the sweep removes expired provider state.
 */
describe.each(await bothTestDbKinds())("OpenID Connect lifecycle on %s", (kind) => {
  let t: TestDb;
  let op: OidcServer;
  let kit: SamlKit;
  let domain: string;
  let receiver: Awaited<ReturnType<typeof startLogoutReceiver>>;

  beforeAll(async () => {
    t = await createTestDb({ kind });
    op = await startOidcServer(t.db);
    kit = await makeSamlKit(t.db);
    domain = `life-${uniqueSuffix()}.test`;
    await routeDomain(t.db, kit.workspace.id, domain, kit.connection.id);
    receiver = await startLogoutReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await op?.close();
    await t?.close();
  });

  async function signedIn(app: TestApp, browser = new HttpBrowser(op.url), email = `p-${uniqueSuffix()}@${domain}`) {
    const start = await startAuthorization(app, { login_hint: email });
    const first = await authorize(browser, start);
    let location = first.location!;
    if (location.includes("/auth/sso/saml/")) {
      // The hint's domain is routed to the kit's connection: straight to SSO, back to the interaction.
      const returnTo = new URL(location).searchParams.get("return_to")!;
      await signInWithSso(t.db, browser, kit, { email, returnTo });
      location = (await browser.navigate(`${op.url}${returnTo}`)).location!;
    }
    const tokens = await exchange(app, start, location);
    return { browser, tokens, sub: tokens.claims()!.sub, sid: tokens.claims()!.sid as string };
  }

  async function verifyLogoutToken(token: string, app: TestApp) {
    expect(decodeProtectedHeader(token).typ).toBe("logout+jwt");
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(`${op.issuer}/jwks`)), {
      issuer: op.issuer,
      audience: app.application.clientId,
      typ: "logout+jwt",
      maxTokenAge: "2 minutes",
    });
    expect(payload.events).toEqual({ "http://schemas.openid.net/event/backchannel-logout": {} });
    expect(payload).not.toHaveProperty("nonce");
    expect(typeof payload.jti).toBe("string");
    return payload;
  }

  it("a removed member loses every token at once; the application gets a back-channel logout token that verifies against the JWKS", async () => {
    const app = await registerApp(t.db, op, { backchannelLogoutUri: receiver.url });
    const { tokens, sub, sid } = await signedIn(app);
    expect((await client.tokenIntrospection(app.config, tokens.access_token)).active).toBe(true);

    const [m] = await t.db.select().from(memberships).where(eq(memberships.userId, sub));
    await removeMember(t.db, kit.workspace.id, m!.id, { userId: kit.owner.id, role: "owner" });

    expect((await client.tokenIntrospection(app.config, tokens.access_token)).active).toBe(false);
    expect((await client.tokenIntrospection(app.config, tokens.refresh_token!)).active).toBe(false);
    await expect(client.refreshTokenGrant(app.config, tokens.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });

    const before = receiver.received.length;
    expect(await runLogoutDeliveries(t.db, op)).toMatchObject({ delivered: 1 });
    const got = receiver.received.slice(before);
    expect(got).toHaveLength(1);
    expect(got[0]!.contentType).toMatch(/application\/x-www-form-urlencoded/);
    const payload = await verifyLogoutToken(new URLSearchParams(got[0]!.body).get("logout_token")!, app);
    expect(payload.sub).toBe(sub);
    expect(payload.sid).toBe(sid);
    // Delivered once: the next run has nothing to do.
    expect(await runLogoutDeliveries(t.db, op)).toMatchObject({ delivered: 0, retried: 0, failed: 0 });
  });

  it("disabling a member ends that organization's tokens only; ending the person's sessions ends everything", async () => {
    const app = await registerApp(t.db, op);
    const browser = new HttpBrowser(op.url);
    const mine = await signedIn(app, browser);
    const other = await makeSamlKit(t.db);
    await addMember(t.db, other.workspace.id, mine.sub, "viewer");
    // Another browser of the same person (a password sign-in), for the other organization.
    const laptop = new HttpBrowser(op.url);
    const [person] = await t.db.select().from(users).where(eq(users.id, mine.sub));
    await laptop.signIn(person!, { amr: "pwd" });
    const startOther = await startAuthorization(app, { organization: other.workspace.slug });
    const cb = await authorize(laptop, startOther);
    const otherTokens = await exchange(app, startOther, cb.location!);
    expect(otherTokens.claims()).toMatchObject({ org_id: other.workspace.id, role: "viewer" });

    const target = (await t.db.select().from(memberships).where(eq(memberships.userId, mine.sub))).find(
      (x) => x.workspaceId === other.workspace.id,
    )!;
    await setMemberDisabled(t.db, other.workspace.id, (await getMemberOrThrow(t.db, other.workspace.id, target.id)).id, true, {
      userId: other.owner.id,
      role: "owner",
    });
    expect((await client.tokenIntrospection(app.config, otherTokens.access_token)).active).toBe(false);
    expect((await client.tokenIntrospection(app.config, mine.tokens.access_token)).active).toBe(true);

    await revokeUserSessions(t.db, mine.sub);
    expect((await client.tokenIntrospection(app.config, mine.tokens.access_token)).active).toBe(false);
    const sessions = await t.db.select().from(oidcPayloads).where(eq(oidcPayloads.accountId, mine.sub));
    expect(sessions).toEqual([]);
    // The browser's provider session is gone too: a silent request needs a new sign-in.
    const none = await startAuthorization(app, { prompt: "none" });
    expect(callbackParams((await authorize(browser, none)).location).get("error")).toBe("login_required");
  });

  it("back-channel deliveries retry on 5xx and network errors, and give up at once on a 4xx", async () => {
    const flaky = await startLogoutReceiver(503);
    try {
      const app = await registerApp(t.db, op, { backchannelLogoutUri: flaky.url });
      const { sub } = await signedIn(app);
      await revokeUserSessions(t.db, sub);
      const now = new Date();
      expect(await runLogoutDeliveries(t.db, op, now)).toMatchObject({ retried: 1 });
      // Not due again before its backoff.
      expect(await runLogoutDeliveries(t.db, op, now)).toMatchObject({ delivered: 0, retried: 0 });
      flaky.state.status = 204;
      expect(await runLogoutDeliveries(t.db, op, new Date(now.getTime() + 31_000))).toMatchObject({ delivered: 1 });
      expect(flaky.received).toHaveLength(2);

      const refusing = await registerApp(t.db, op, { backchannelLogoutUri: flaky.url });
      const second = await signedIn(refusing);
      flaky.state.status = 400;
      await revokeUserSessions(t.db, second.sub);
      expect(await runLogoutDeliveries(t.db, op, new Date(now.getTime() + 60_000))).toMatchObject({ failed: 1 });
      const rows = await t.db.select().from(oidcLogoutDeliveries).where(eq(oidcLogoutDeliveries.clientId, refusing.application.clientId));
      expect(rows[0]).toMatchObject({ attempts: 1, lastError: "HTTP 400" });
      expect(rows[0]!.failedAt).not.toBeNull();
    } finally {
      await flaky.close();
    }
  });

  it("deliveries go through the outbound policy: a loopback receiver is refused at once when private addresses are not allowed", async () => {
    const app = await registerApp(t.db, op, { backchannelLogoutUri: receiver.url });
    const { sub } = await signedIn(app);
    await revokeUserSessions(t.db, sub);
    const before = receiver.received.length;
    const production = { allowPrivate: false, allowHttpLoopback: false };
    expect(await runLogoutDeliveries(t.db, op, new Date(), production)).toMatchObject({ failed: 1, retried: 0 });
    expect(receiver.received.length).toBe(before);
    const [row] = await t.db.select().from(oidcLogoutDeliveries).where(eq(oidcLogoutDeliveries.clientId, app.application.clientId));
    expect(row!.lastError).toMatch(/^(scheme_not_allowed|address_not_allowed)/);
  });

  it("RP-initiated logout with id_token_hint ends the provider and Gatehouse sessions and returns to the registered URI only", async () => {
    const postLogout = "http://127.0.0.1:9/signed-out";
    const app = await registerApp(t.db, op, { postLogoutRedirectUris: [postLogout] });
    const { browser, tokens } = await signedIn(app);
    const copied = `${sessionCookieName()}=${browser.cookies.get(sessionCookieName())}`;
    expect(await readGatehouseSession(t.db, copied)).not.toBeNull();
    const url = client.buildEndSessionUrl(app.config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: postLogout,
      state: "bye",
    });
    const page = await browser.request(url.toString());
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('id="op.logoutForm"');
    // A valid id_token_hint for this session: the page confirms itself (its one script, allowed by hash).
    expect(page.headers.get("content-security-policy")).toMatch(/script-src 'sha256-/);
    const action = /action="([^"]+)"/.exec(html)![1]!;
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)![1]!;
    const done = await browser.request(new URL(action, op.url).toString(), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ xsrf, logout: "yes" }).toString(),
    });
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe(`${postLogout}?state=bye`);
    expect(done.headers.getSetCookie().some((c) => c.startsWith(`${sessionCookieName()}=;`))).toBe(true);
    expect(browser.cookies.has(sessionCookieName())).toBe(false);
    // Ended for good, as Gatehouse's own sign-out: a copy of the cookie taken before is refused.
    expect(await readGatehouseSession(t.db, copied)).toBeNull();
    expect((await client.tokenIntrospection(app.config, tokens.access_token)).active).toBe(false);

    // An unregistered post_logout_redirect_uri is an error page, never a redirect (no open redirector).
    const evil = client.buildEndSessionUrl(app.config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: "https://evil.test/" });
    const refused = await fetch(evil, { redirect: "manual" });
    expect(refused.status).toBe(400);
    expect(refused.headers.get("location")).toBeNull();
  });

  it("key rotation: an ID token signed before the rotation still verifies during the overlap, and not after retire", async () => {
    let app = await registerApp(t.db, op);
    const before = (await signedIn(app)).tokens.id_token!;
    const oldKid = decodeProtectedHeader(before).kid;
    await rotateOidcKey(t.db, "stage");
    const staged = (await (await fetch(`${op.issuer}/jwks`)).json()) as { keys: { kid: string }[] };
    expect(staged.keys).toHaveLength(2);
    expect(decodeProtectedHeader((await signedIn(app)).tokens.id_token!).kid).toBe(oldKid); // staged keys do not sign
    // Relying parties refresh their JWKS cache between stage and activate (that is what staging is for).
    app = await rediscover(op, app);
    await rotateOidcKey(t.db, "activate");
    const after = (await signedIn(app)).tokens.id_token!;
    expect(decodeProtectedHeader(after).kid).not.toBe(oldKid);
    const jwks = () => createRemoteJWKSet(new URL(`${op.issuer}/jwks`));
    await expect(jwtVerify(before, jwks(), { issuer: op.issuer })).resolves.toBeTruthy();
    await expect(jwtVerify(after, jwks(), { issuer: op.issuer })).resolves.toBeTruthy();
    await rotateOidcKey(t.db, "retire");
    await expect(jwtVerify(before, jwks(), { issuer: op.issuer })).rejects.toMatchObject({ code: "ERR_JWKS_NO_MATCHING_KEY" });
    await expect(jwtVerify(after, jwks(), { issuer: op.issuer })).resolves.toBeTruthy();
  });

  it("IdP-initiated sign-in through a connection with a default application lands in that application's code flow", async () => {
    const app = await registerApp(t.db, op, { initiateLoginUri: "http://127.0.0.1:9/start-login" });
    await setConnectionDefaultApplication(t.db, kit.workspace.id, kit.connection.id, app.application.clientId, { userId: kit.owner.id });
    const email = `tile-${uniqueSuffix()}@${domain}`;
    const unsolicited = kit.respond({ email });
    const acs = await consumeSamlResponse(t.db, {
      slug: kit.connection.slug,
      samlResponse: unsolicited,
      relayState: null,
      appUrl: TEST_APP_URL,
    });
    if (acs.kind !== "redirect") throw new Error(`ACS failed: ${acs.error.code}`);
    const ticket = new URL(acs.location, TEST_APP_URL).searchParams.get("ticket")!;
    const redeemed = await redeemLoginTicket(t.db, ticket, { browserBinding: acs.browserBinding, loginNonce: null });
    expect(redeemed.returnTo).toBe(`/oidc/launch/${app.application.id}`);
    const browser = new HttpBrowser(op.url);
    const cookie = await mintSessionCookie(redeemed.user, { connectionId: redeemed.connectionId });
    browser.cookies.set(cookie.name, cookie.value);
    const launch = await browser.navigate(`${op.url}${redeemed.returnTo}`);
    const initiate = new URL(launch.location!);
    expect(`${initiate.origin}${initiate.pathname}`).toBe("http://127.0.0.1:9/start-login");
    expect(initiate.searchParams.get("iss")).toBe(op.issuer);
    expect(initiate.searchParams.get("login_hint")).toBe(email);
    expect(initiate.searchParams.get("target_link_uri")).toBe("http://127.0.0.1:9/");

    // The application starts a normal code flow with the hint: no second sign-in.
    const start = await startAuthorization(app, { login_hint: initiate.searchParams.get("login_hint")! });
    const cb = await authorize(browser, start);
    const tokens = await exchange(app, start, cb.location!);
    expect(tokens.claims()).toMatchObject({ email, org_id: kit.workspace.id, connection_id: kit.connection.id, amr: ["sso"] });
    await setConnectionDefaultApplication(t.db, kit.workspace.id, kit.connection.id, null, { userId: kit.owner.id });
  });

  it("the sweep deletes expired provider state only", async () => {
    const app = await registerApp(t.db, op);
    const { tokens, sub } = await signedIn(app);
    expect((await sweepOidcState(t.db, new Date())).payloads).toBeGreaterThanOrEqual(0);
    expect((await client.tokenIntrospection(app.config, tokens.access_token)).active).toBe(true);
    expect(await t.db.select().from(oidcPayloads).where(eq(oidcPayloads.accountId, sub))).not.toEqual([]);
    // A month later every session, grant and token of this sign-in has expired.
    const result = await sweepOidcState(t.db, new Date(Date.now() + 31 * 24 * 60 * 60_000));
    expect(result.payloads).toBeGreaterThan(0);
    expect(result.grants).toBeGreaterThan(0);
    expect(await t.db.select().from(oidcPayloads).where(eq(oidcPayloads.accountId, sub))).toEqual([]);
  });
});
