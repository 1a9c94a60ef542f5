import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import * as client from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { domains } from "@/db/schema";
import { makeSamlKit, type SamlKit } from "@/lib/testing/saml-kit";
import {
  authorize,
  exchange,
  registerApp,
  signInWithSso,
  startAuthorization,
  startOidcServer,
  HttpBrowser,
  type OidcServer,
} from "@/lib/testing/oidc-kit";
import { bothTestDbKinds, createTestDb, type TestDb } from "@/lib/testing/test-db";
import { uniq as uniqueSuffix } from "@/lib/testing/fixtures";

/**
 * Gatehouse's OpenID Connect provider driven by openid-client (v6) as the relying party, on
 * Postgres and on embedded PGlite: discovery, code + PKCE, the ID token's signature and claims,
 * userinfo, refresh rotation with reuse detection, introspection and revocation.
 */
describe.each(await bothTestDbKinds())("OpenID Connect provider on %s", (kind) => {
  let t: TestDb;
  let op: OidcServer;
  let kit: SamlKit;
  let emailDomain: string;

  beforeAll(async () => {
    t = await createTestDb({ kind });
    op = await startOidcServer(t.db);
    kit = await makeSamlKit(t.db, { idpType: "okta", jitProvisioning: true, defaultRole: "editor" });
    emailDomain = `corp-${uniqueSuffix()}.test`;
    // The workspace verified the email domain: email_verified is true for its people.
    await t.db
      .insert(domains)
      .values({ workspaceId: kit.workspace.id, domain: emailDomain, verificationToken: "t", status: "verified", verifiedAt: new Date() });
  });
  afterAll(async () => {
    await op?.close();
    await t?.close();
  });

  /** App → Gatehouse (SSO through the kit's connection) → code at the app's callback. */
  async function signInThroughApp(params: Record<string, string> = {}, groups = ["engineering", "admins"]) {
    const app = await registerApp(t.db, op);
    const browser = new HttpBrowser(op.url);
    const start = await startAuthorization(app, { organization: kit.workspace.slug, ...params });
    const first = await authorize(browser, start);
    // Not signed in yet: the organization has one connection, but SSO is not enforced → the email-first page.
    expect(first.location).toMatch(/\/login\?next=%2Foidc%2Finteraction%2F/);
    const returnTo = new URL(first.location!).searchParams.get("next")!;
    const email = `ada-${uniqueSuffix()}@${emailDomain}`;
    const user = await signInWithSso(t.db, browser, kit, { email, groups, returnTo });
    const back = await browser.navigate(`${op.url}${returnTo}`);
    expect(back.location).toMatch(/^http:\/\/127\.0\.0\.1:9\/callback\?/);
    return { app, browser, start, user, email, callback: back.location! };
  }

  it("discovery: the issuer under APP_URL/oidc, code flow only, S256 only, Gatehouse scopes and claims", async () => {
    const m = (await (await fetch(`${op.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(m.issuer).toBe(op.issuer);
    for (const k of [
      "authorization_endpoint",
      "token_endpoint",
      "userinfo_endpoint",
      "jwks_uri",
      "end_session_endpoint",
      "revocation_endpoint",
      "introspection_endpoint",
    ]) {
      expect(String(m[k])).toMatch(new RegExp(`^${op.issuer}/`));
    }
    expect(m.response_types_supported).toEqual(["code"]);
    expect(m.code_challenge_methods_supported).toEqual(["S256"]);
    expect(m.grant_types_supported).toEqual(expect.arrayContaining(["authorization_code", "refresh_token"]));
    expect(m.grant_types_supported).not.toContain("implicit");
    expect(m.scopes_supported).toEqual(expect.arrayContaining(["openid", "email", "profile", "organization", "groups", "offline_access"]));
    expect(m.claims_supported).toEqual(
      expect.arrayContaining([
        "sub",
        "email",
        "email_verified",
        "org_id",
        "org_slug",
        "org_external_id",
        "role",
        "groups",
        "connection_id",
        "idp",
        "amr",
        "auth_time",
        "sid",
      ]),
    );
    expect(m.id_token_signing_alg_values_supported).toEqual(["RS256"]);
    expect(m.backchannel_logout_supported).toBe(true);
    expect(m).not.toHaveProperty("registration_endpoint");
    const keys = (await (await fetch(String(m.jwks_uri))).json()) as { keys: Record<string, unknown>[] };
    expect(keys.keys.length).toBeGreaterThan(0);
    for (const k of keys.keys) for (const priv of ["d", "p", "q", "dp", "dq", "qi"]) expect(k).not.toHaveProperty(priv);
  });

  it("code + PKCE: a verified ID token with Gatehouse's claims, the same at userinfo", async () => {
    const { app, start, user, email, callback } = await signInThroughApp();
    const tokens = await exchange(app, start, callback);
    const idToken = tokens.id_token!;
    expect(decodeProtectedHeader(idToken).alg).toBe("RS256");
    const jwks = createRemoteJWKSet(new URL(`${op.issuer}/jwks`));
    const { payload } = await jwtVerify(idToken, jwks, { issuer: op.issuer, audience: app.application.clientId });
    expect(payload).toMatchObject({
      sub: user.id,
      email,
      email_verified: true,
      name: "Ada Lovelace",
      given_name: "Ada",
      family_name: "Lovelace",
      org_id: kit.workspace.id,
      org_slug: kit.workspace.slug,
      role: "editor",
      groups: ["engineering", "admins"],
      connection_id: kit.connection.id,
      idp: "okta",
      amr: ["sso"],
      nonce: start.nonce,
    });
    expect(typeof payload.auth_time).toBe("number");
    expect(typeof payload.sid).toBe("string");
    expect(payload).not.toHaveProperty("org_external_id"); // none set: left out, not null

    const info = await client.fetchUserInfo(app.config, tokens.access_token, user.id);
    expect(info).toMatchObject({
      sub: user.id,
      email,
      email_verified: true,
      org_slug: kit.workspace.slug,
      role: "editor",
      groups: ["engineering", "admins"],
    });
  });

  it("refresh tokens rotate; reusing a rotated one revokes the whole family", async () => {
    const { app, start, callback } = await signInThroughApp();
    const tokens = await exchange(app, start, callback);
    const first = tokens.refresh_token!;
    expect(first).toBeTruthy();
    const second = await client.refreshTokenGrant(app.config, first);
    expect(second.refresh_token).toBeTruthy();
    expect(second.refresh_token).not.toBe(first);
    expect(second.claims()).toMatchObject({ org_slug: kit.workspace.slug, role: "editor" });

    // The rotated token comes back (stolen copy): refused, and every token of the grant dies.
    await expect(client.refreshTokenGrant(app.config, first)).rejects.toMatchObject({ error: "invalid_grant" });
    await expect(client.refreshTokenGrant(app.config, second.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
    expect((await client.tokenIntrospection(app.config, second.access_token)).active).toBe(false);
  });

  it("introspection and revocation: active until revoked", async () => {
    const { app, start, callback } = await signInThroughApp();
    const tokens = await exchange(app, start, callback);
    const info = await client.tokenIntrospection(app.config, tokens.access_token);
    expect(info).toMatchObject({ active: true, client_id: app.application.clientId, sub: expect.any(String) });
    await client.tokenRevocation(app.config, tokens.access_token);
    expect((await client.tokenIntrospection(app.config, tokens.access_token)).active).toBe(false);
  });

  it("client_secret_basic works as well as client_secret_post", async () => {
    const { app, start, callback } = await signInThroughApp();
    const basic = await client.discovery(
      new URL(op.issuer),
      app.application.clientId,
      undefined,
      client.ClientSecretBasic(app.clientSecret),
      {
        execute: [client.allowInsecureRequests],
      },
    );
    const tokens = await client.authorizationCodeGrant(basic, new URL(callback), {
      pkceCodeVerifier: start.verifier,
      expectedState: start.state,
      expectedNonce: start.nonce,
    });
    expect(tokens.claims()?.org_slug).toBe(kit.workspace.slug);
  });
});
