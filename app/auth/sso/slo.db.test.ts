/**
 * SAML single logout through the real route handlers: SSO sign-in (ACS → ticket hand-off) stores the
 * sign-in's NameID/SessionIndex under the session's `sid`; sign-out sends a signed LogoutRequest to the
 * IdP and handles its LogoutResponse; an IdP-initiated LogoutRequest ends exactly that person's sessions
 * of that connection and is answered with a signed LogoutResponse. Attacks on the database-backed rules
 * (replay, unknown InResponseTo, another connection's NameID), and samlify as an independent IdP peer.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decode } from "next-auth/jwt";
import * as samlify from "samlify";
import * as xsdValidator from "@authenio/samlify-node-xmllint";
import { and, eq } from "drizzle-orm";
import { env } from "@/lib/env";
import { useDbForTests } from "@/server/bootstrap";
import { logoutRequests, oidcGrants, oidcLogoutDeliveries, ssoSessions } from "@/db/schema";
import { createApplication } from "@/lib/services/applications";
import { addSamlConnection, makeSamlKit, TEST_APP_URL, type SamlKit } from "@/lib/testing/saml-kit";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { TestBrowser } from "@/lib/testing/test-browser";
import { resolveSessionUser } from "@/lib/auth/session-token";
import { sessionCookieName } from "@/lib/auth/session-cookie";
import { memberActor } from "@/lib/services/actor";
import { getConnectionOrThrow, updateConnection } from "@/lib/services/connections";
import { connectionUpdateSchema } from "@/lib/schemas/connections";
import { listPublishedSpCertificates } from "@/lib/services/sp-keys";
import { createDevIdp, type DevIdp, type SentMessage } from "@/lib/dev-idp";
import type { Connection } from "@/db/schema";
import * as acsRoute from "@/app/auth/sso/saml/[slug]/acs/route";
import * as metadataRoute from "@/app/auth/sso/saml/[slug]/metadata/route";
import * as sloRoute from "@/app/auth/sso/saml/[slug]/slo/route";
import * as completeRoute from "@/app/auth/sso/complete/route";
import * as signOutRoute from "@/app/auth/sign-out/route";

let t: TestDb;
let kit: SamlKit;
const IDP_SLO = "https://idp.slo.test/slo";
beforeAll(async () => {
  t = await createTestDb();
  useDbForTests(t.db);
  kit = await makeSamlKit(t.db);
  await setSloUrl(kit.connection, IDP_SLO);
});
afterAll(async () => {
  await t?.close();
});

const params = (slug: string) => ({ params: Promise.resolve({ slug }) });
const owner = () => memberActor(kit.owner.id, "owner");

async function setSloUrl(c: Connection, url: string | null) {
  const current = await getConnectionOrThrow(t.db, c.workspaceId, c.id);
  await updateConnection(t.db, c.workspaceId, c.id, connectionUpdateSchema.parse({ version: current.version, idpSloUrl: url }), owner());
}

/** A full SSO sign-in in `browser`: SP-initiated, ACS, ticket hand-off. Returns the session's claims. */
async function signIn(
  browser: TestBrowser,
  o: { email: string; sessionIndex?: string; slug?: string; respond?: SamlKit["respond"]; idpInitiated?: boolean } = { email: "" },
) {
  const slug = o.slug ?? kit.connection.slug;
  let fields: Record<string, string>;
  const respond = o.respond ?? kit.respond;
  if (o.idpInitiated) fields = { SAMLResponse: respond({ email: o.email, nameId: o.email, sessionIndex: o.sessionIndex }) };
  else {
    const start = await kit.login({ browser });
    fields = {
      SAMLResponse: respond({ email: o.email, nameId: o.email, inResponseTo: start.requestId, sessionIndex: o.sessionIndex }),
      RelayState: start.relayState,
    };
  }
  const acs = browser.take(
    await acsRoute.POST(
      browser.request(`${TEST_APP_URL}/auth/sso/saml/${slug}/acs`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(fields).toString(),
      }),
      params(slug),
    ),
  );
  expect(acs.status, await acs.clone().text()).toBe(303);
  const done = browser.take(await completeRoute.GET(browser.request(new URL(acs.headers.get("location")!, TEST_APP_URL).toString())));
  expect(done.status).toBe(303);
  const raw = browser.cookies.get(sessionCookieName())!;
  expect(raw).toBeTruthy();
  return (await decode({ token: raw, secret: env().authSecret }))!;
}

const signOut = (browser: TestBrowser, origin = TEST_APP_URL) =>
  signOutRoute.POST(browser.request(`${TEST_APP_URL}/auth/sign-out`, { method: "POST", headers: { origin } })).then((r) => browser.take(r));

const toSlo = (slug: string, sent: SentMessage) =>
  "url" in sent
    ? sloRoute.GET(new Request(sent.url), params(slug))
    : sloRoute.POST(
        new Request(`${TEST_APP_URL}/auth/sso/saml/${slug}/slo`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams(sent.fields).toString(),
        }),
        params(slug),
      );

const live = (claims: Record<string, unknown>) => resolveSessionUser(t.db, claims);

/** The IdP's view of our redirect to it: verified with the SP's published certificates. */
async function readAtIdp(idp: DevIdp, connectionId: string, location: string) {
  return idp.readLogoutMessage({ binding: "redirect", query: location }, await listPublishedSpCertificates(t.db, connectionId));
}

describe("SAML single logout: SP-initiated", () => {
  it("SP metadata publishes SingleLogoutService (HTTP-Redirect and HTTP-POST) at /slo", async () => {
    const xml = await (await metadataRoute.GET(new Request(`${TEST_APP_URL}/x`), params(kit.connection.slug))).text();
    expect(xml).toContain(
      `<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${kit.sp.sloUrl}"/>`,
    );
    expect(xml).toContain(`<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${kit.sp.sloUrl}"/>`);
  });

  it("sign-out after an SSO sign-in sends a signed LogoutRequest (NameID + SessionIndex of that sign-in); the IdP's LogoutResponse lands on the signed-out page", async () => {
    const browser = new TestBrowser();
    const email = `rt-${randomBytes(3).toString("hex")}@corp.test`;
    const claims = await signIn(browser, { email, sessionIndex: "_idp-session-1" });
    expect(typeof claims.sid).toBe("string");
    expect(await live(claims)).not.toBeNull();

    const out = await signOut(browser);
    expect(out.status).toBe(302);
    expect(browser.cookies.has(sessionCookieName())).toBe(false);
    const location = out.headers.get("location")!;
    expect(location.startsWith(`${IDP_SLO}?SAMLRequest=`)).toBe(true);
    const req = await readAtIdp(kit.idp, kit.connection.id, location);
    expect(req).toMatchObject({
      kind: "LogoutRequest",
      issuer: kit.sp.entityId,
      destination: IDP_SLO,
      nameId: email,
      sessionIndex: "_idp-session-1",
    });
    // The Gatehouse session is over before the IdP answers.
    expect(await live(claims)).toBeNull();
    const [stored] = await t.db.select().from(logoutRequests).where(eq(logoutRequests.id, req.id));
    expect(stored).toMatchObject({ connectionId: kit.connection.id, usedAt: null });

    const answer = kit.idp.createLogoutResponse(
      { destination: kit.sp.sloUrl, inResponseTo: req.id },
      { binding: "redirect", to: kit.sp.sloUrl },
    );
    const landed = await toSlo(kit.connection.slug, answer);
    expect(landed.status).toBe(303);
    expect(landed.headers.get("location")).toBe("/login?signed_out=idp");

    // replay: the same LogoutResponse again answers no unused request.
    const again = await toSlo(kit.connection.slug, answer);
    expect(await again.text()).toContain("SAML_SLO_IN_RESPONSE_TO_INVALID");
  });

  it("a LogoutResponse whose status is not Success lands on the signed-out page with the IdP's warning", async () => {
    const browser = new TestBrowser();
    await signIn(browser, { email: `partial-${randomBytes(3).toString("hex")}@corp.test` });
    const out = await signOut(browser);
    const req = await readAtIdp(kit.idp, kit.connection.id, out.headers.get("location")!);
    const answer = kit.idp.createLogoutResponse(
      { destination: kit.sp.sloUrl, inResponseTo: req.id, statusCode: "urn:oasis:names:tc:SAML:2.0:status:Responder" },
      { binding: "post", to: kit.sp.sloUrl },
    );
    const landed = await toSlo(kit.connection.slug, answer);
    expect(landed.headers.get("location")).toBe("/login?signed_out=idp_partial");
  });

  it("attack: a LogoutResponse answering an unknown InResponseTo is refused", async () => {
    const answer = kit.idp.createLogoutResponse(
      { destination: kit.sp.sloUrl, inResponseTo: "_never-sent" },
      { binding: "redirect", to: kit.sp.sloUrl },
    );
    const res = await toSlo(kit.connection.slug, answer);
    expect(res.status).toBe(401);
    expect(await res.text()).toContain("SAML_SLO_IN_RESPONSE_TO_INVALID");
  });

  it("attack: another connection's LogoutResponse cannot consume this connection's request", async () => {
    const browser = new TestBrowser();
    await signIn(browser, { email: `cross-${randomBytes(3).toString("hex")}@corp.test` });
    const out = await signOut(browser);
    const req = await readAtIdp(kit.idp, kit.connection.id, out.headers.get("location")!);
    const other = await addSamlConnection(t.db, kit.workspace.id, owner());
    const sp2 = `${TEST_APP_URL}/auth/sso/saml/${other.connection.slug}/slo`;
    const answer = other.idp.createLogoutResponse({ destination: sp2, inResponseTo: req.id }, { binding: "redirect", to: sp2 });
    expect(await (await toSlo(other.connection.slug, answer)).text()).toContain("SAML_SLO_IN_RESPONSE_TO_INVALID");
  });

  it("without an IdP SLO URL sign-out stays local; a cross-site sign-out POST is refused", async () => {
    const local = await makeSamlKit(t.db);
    const browser = new TestBrowser();
    const start = await local.login({ browser });
    const acs = browser.take(
      await acsRoute.POST(
        browser.request(`${TEST_APP_URL}/auth/sso/saml/${local.connection.slug}/acs`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({
            SAMLResponse: local.respond({ inResponseTo: start.requestId }),
            RelayState: start.relayState,
          }).toString(),
        }),
        params(local.connection.slug),
      ),
    );
    browser.take(await completeRoute.GET(browser.request(new URL(acs.headers.get("location")!, TEST_APP_URL).toString())));
    const refused = await signOut(browser, "https://evil.test");
    expect(refused.status).toBe(403);
    expect(browser.cookies.has(sessionCookieName())).toBe(true);
    const out = await signOut(browser);
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/login?signed_out=local");
  });
});

describe("SAML single logout: IdP-initiated", () => {
  const logoutRequest = (
    idp: DevIdp,
    sloUrl: string,
    nameId: string,
    o: { sessionIndex?: string | null; binding?: "redirect" | "post" } = {},
  ) =>
    idp.createLogoutRequest(
      { destination: sloUrl, nameId, sessionIndex: o.sessionIndex ?? null },
      { binding: o.binding ?? "redirect", to: sloUrl, relayState: "idp-rs" },
    );

  it("ends that person's sessions of this connection (every one without SessionIndex), keeps others, answers a signed Success", async () => {
    const email = `idp-${randomBytes(3).toString("hex")}@corp.test`;
    const a = await signIn(new TestBrowser(), { email, sessionIndex: "_s-a" });
    const b = await signIn(new TestBrowser(), { email, sessionIndex: "_s-b" });
    const bystander = await signIn(new TestBrowser(), { email: `other-${randomBytes(3).toString("hex")}@corp.test` });

    const sent = logoutRequest(kit.idp, kit.sp.sloUrl, email);
    const res = await toSlo(kit.connection.slug, sent);
    expect(res.status).toBe(302);
    const answer = await readAtIdp(kit.idp, kit.connection.id, res.headers.get("location")!);
    expect(answer).toMatchObject({
      kind: "LogoutResponse",
      issuer: kit.sp.entityId,
      destination: IDP_SLO,
      statusCode: "urn:oasis:names:tc:SAML:2.0:status:Success",
      relayState: "idp-rs",
    });
    expect(await live(a)).toBeNull();
    expect(await live(b)).toBeNull();
    expect(await live(bystander)).not.toBeNull();

    // replay: the same LogoutRequest again is refused by the replay store.
    const replay = await toSlo(kit.connection.slug, sent);
    expect(await replay.text()).toContain("SAML_SLO_REPLAY");
  });

  it("with a SessionIndex, only the session of that sign-in ends (HTTP-POST binding)", async () => {
    const email = `idx-${randomBytes(3).toString("hex")}@corp.test`;
    const a = await signIn(new TestBrowser(), { email, sessionIndex: "_one" });
    const b = await signIn(new TestBrowser(), { email, sessionIndex: "_two" });
    const res = await toSlo(kit.connection.slug, logoutRequest(kit.idp, kit.sp.sloUrl, email, { sessionIndex: "_one", binding: "post" }));
    expect(res.status).toBe(302);
    expect(await live(a)).toBeNull();
    expect(await live(b)).not.toBeNull();
    const rows = await t.db
      .select()
      .from(ssoSessions)
      .where(and(eq(ssoSessions.connectionId, kit.connection.id), eq(ssoSessions.nameId, email)));
    expect(rows.map((r) => [r.sessionIndex, r.endedReason]).sort()).toEqual([
      ["_one", "idp_logout"],
      ["_two", null],
    ]);
  });

  it("attack: another connection's IdP naming this connection's user ends nothing here (UnknownPrincipal)", async () => {
    const email = `victim-${randomBytes(3).toString("hex")}@corp.test`;
    const victim = await signIn(new TestBrowser(), { email });
    const other = await addSamlConnection(t.db, kit.workspace.id, owner());
    await setSloUrl(other.connection, "https://other-idp.test/slo");
    const sp2 = `${TEST_APP_URL}/auth/sso/saml/${other.connection.slug}/slo`;
    const res = await toSlo(other.connection.slug, logoutRequest(other.idp, sp2, email));
    const answer = await readAtIdp(other.idp, other.connection.id, res.headers.get("location")!);
    expect(answer.statusCode).toBe("urn:oasis:names:tc:SAML:2.0:status:Requester");
    expect(await live(victim)).not.toBeNull();
    // …and this connection's IdP's request sent to the other connection's endpoint is refused outright
    // (the other connection does not trust its certificate).
    const wrongDoor = await toSlo(other.connection.slug, logoutRequest(kit.idp, sp2, email));
    expect(await wrongDoor.text()).toContain("SAML_SLO_SIGNATURE_INVALID");
    expect(await live(victim)).not.toBeNull();
  });

  it("an unsigned LogoutRequest is refused and ends nothing", async () => {
    const email = `unsigned-${randomBytes(3).toString("hex")}@corp.test`;
    const s = await signIn(new TestBrowser(), { email });
    const sent = kit.idp.createLogoutRequest(
      { destination: kit.sp.sloUrl, nameId: email },
      { binding: "redirect", to: kit.sp.sloUrl, sign: false },
    );
    const res = await toSlo(kit.connection.slug, sent);
    expect(res.status).toBe(401);
    expect(await res.text()).toContain("SAML_SLO_SIGNATURE_MISSING");
    expect(await live(s)).not.toBeNull();
  });
});

describe("SAML single logout: applications signed in through Gatehouse (OIDC)", () => {
  it("an IdP-initiated logout revokes the person's grants in this workspace and queues back-channel logout (endAccess)", async () => {
    const email = `oidc-${randomBytes(3).toString("hex")}@corp.test`;
    const s = await signIn(new TestBrowser(), { email });
    const uid = s.uid as string;
    const { application } = await createApplication(t.db, {
      name: "Back-channel app",
      redirectUris: ["https://app.slo.test/callback"],
      backchannelLogoutUri: "https://app.slo.test/backchannel-logout",
    });
    // The grant the OIDC provider keeps once the person signed in to the application in this workspace.
    const grantId = `grant-${randomBytes(6).toString("hex")}`;
    await t.db.insert(oidcGrants).values({
      grantId,
      clientId: application.clientId,
      userId: uid,
      workspaceId: kit.workspace.id,
      connectionId: kit.connection.id,
      amr: "sso",
      expiresAt: new Date(Date.now() + 3600_000),
    });
    const sent = kit.idp.createLogoutRequest({ destination: kit.sp.sloUrl, nameId: email }, { binding: "redirect", to: kit.sp.sloUrl });
    expect((await toSlo(kit.connection.slug, sent)).status).toBe(302);
    expect(await t.db.select().from(oidcGrants).where(eq(oidcGrants.grantId, grantId))).toHaveLength(0);
    const queued = await t.db.select().from(oidcLogoutDeliveries).where(eq(oidcLogoutDeliveries.subject, uid));
    expect(queued.map((q) => [q.clientId, q.reason])).toEqual([[application.clientId, "single_logout"]]);
  });
});

describe("SAML single logout: samlify as an independent IdP", () => {
  it("samlify's signed LogoutRequest (from our SP metadata) ends the session; samlify verifies our signed LogoutResponse", async () => {
    const id = randomBytes(4).toString("hex");
    const { generateSpKeyPair } = await import("@/lib/saml");
    const keys = generateSpKeyPair({ commonName: `samlify-${id}` });
    const idpSlo = `https://samlify-${id}.idp.test/slo`;
    const sidp = samlify.IdentityProvider({
      entityID: `https://samlify-${id}.idp.test/metadata`,
      privateKey: keys.privateKeyPem,
      signingCert: keys.certificatePem,
      requestSignatureAlgorithm: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
      nameIDFormat: ["urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"],
      singleSignOnService: [{ Binding: samlify.Constants.namespace.binding.redirect, Location: `https://samlify-${id}.idp.test/sso` }],
      singleLogoutService: [{ Binding: samlify.Constants.namespace.binding.redirect, Location: idpSlo }],
      wantLogoutResponseSigned: true,
    });
    samlify.setSchemaValidator(xsdValidator);
    const c = await addSamlConnection(t.db, kit.workspace.id, owner(), { metadataXml: sidp.getMetadata() });
    // The sign-in itself is signed with samlify's key (the connection trusts only that certificate).
    const signer = createDevIdp({
      entityId: sidp.entityMeta.getEntityID(),
      privateKeyPem: keys.privateKeyPem,
      certificatePem: keys.certificatePem,
    });
    expect(c.connection.idpSloUrl).toBe(idpSlo);
    const spMetadata = await (await metadataRoute.GET(new Request(`${TEST_APP_URL}/x`), params(c.connection.slug))).text();
    const ssp = samlify.ServiceProvider({ metadata: spMetadata, wantLogoutRequestSigned: true });

    const email = `samlify-${id}@corp.test`;
    const session = await signIn(new TestBrowser(), {
      email,
      slug: c.connection.slug,
      idpInitiated: true,
      respond: (o) => signer.createResponse({ acsUrl: c.sp.acsUrl, audience: c.sp.entityId, nameId: email, ...o }),
    });
    expect(await live(session)).not.toBeNull();

    const { context } = sidp.createLogoutRequest(ssp, "redirect", { logoutNameID: email }, "samlify-rs") as { context: string };
    const res = await sloRoute.GET(new Request(context), params(c.connection.slug));
    expect(res.status, await res.clone().text()).toBe(302);
    expect(await live(session)).toBeNull();

    const back = new URL(res.headers.get("location")!);
    expect(`${back.origin}${back.pathname}`).toBe(idpSlo);
    const rawQuery = back.search.slice(1);
    const octetString = rawQuery
      .split("&")
      .filter((p) => !p.startsWith("Signature="))
      .join("&");
    const parsed = await sidp.parseLogoutResponse(ssp, "redirect", { query: Object.fromEntries(back.searchParams), octetString });
    expect(
      parsed.extract.response?.inResponseTo ?? (parsed.extract as { response?: { inResponseTo?: string } }).response?.inResponseTo,
    ).toBeTruthy();
    expect(back.searchParams.get("RelayState")).toBe("samlify-rs");
  }, 300_000);
});
