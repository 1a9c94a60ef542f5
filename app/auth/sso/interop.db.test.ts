/**
 * Interoperability with an independent SAML implementation (samlify, with the real SAML XSD schema
 * validator): samlify plays the IdP against our real route handlers. It reads OUR SP metadata, parses
 * and verifies OUR signed AuthnRequests (HTTP-Redirect and HTTP-POST), and its signed responses must be
 * accepted by our ACS — assertion signed, response signed, both; SP- and IdP-initiated.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as samlify from "samlify";
import * as xsdValidator from "@authenio/samlify-node-xmllint";
import { generateSpKeyPair } from "@/lib/saml";
import { useDbForTests } from "@/server/bootstrap";
import { TEST_APP_URL } from "@/lib/testing/saml-kit";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { createConnection, type Connection } from "@/lib/services/connections";
import { connectionCreateSchema } from "@/lib/schemas/connections";
import { redeemLoginTicket } from "@/lib/services/login-tickets";
import { listSsoEvents } from "@/lib/services/sso-events";
import { createWorkspace, type Workspace } from "@/lib/services/workspaces";
import * as metadataRoute from "@/app/auth/sso/saml/[slug]/metadata/route";
import * as loginRoute from "@/app/auth/sso/saml/[slug]/login/route";
import * as acsRoute from "@/app/auth/sso/saml/[slug]/acs/route";
import { TestBrowser } from "@/lib/testing/test-browser";
import * as completeRoute from "@/app/auth/sso/complete/route";
import { memberActor } from "@/lib/services/actor";

samlify.setSchemaValidator(xsdValidator);

const { SamlLib, Constants } = samlify;
const RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
const EMAIL_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
const BASIC = "urn:oasis:names:tc:SAML:2.0:attrname-format:basic";

let t: TestDb;
let workspace: Workspace;
let ownerId: string;
beforeAll(async () => {
  t = await createTestDb();
  useDbForTests(t.db);
  const id = randomBytes(4).toString("hex");
  const made = await createWorkspace(t.db, {
    slug: `interop-${id}`,
    name: "Interop",
    ownerEmail: `owner@interop-${id}.test`,
    ownerPassword: "correct horse battery",
  });
  workspace = made.workspace;
  ownerId = made.owner.id;
});
afterAll(async () => {
  await t?.close();
});

const params = (slug: string) => ({ params: Promise.resolve({ slug }) });

/** The AttributeStatement an IdP typically sends; groups is multi-valued. */
const ATTRIBUTES_XML = (user: { email: string; firstName: string; lastName: string; groups: string[] }) =>
  `<saml:AttributeStatement>` +
  [
    ["email", [user.email]],
    ["firstName", [user.firstName]],
    ["lastName", [user.lastName]],
    ["groups", user.groups],
  ]
    .map(
      ([name, values]) =>
        `<saml:Attribute Name="${name}" NameFormat="${BASIC}">` +
        (values as string[])
          .map(
            (v) =>
              `<saml:AttributeValue xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="xs:string">${v}</saml:AttributeValue>`,
          )
          .join("") +
        `</saml:Attribute>`,
    )
    .join("") +
  `</saml:AttributeStatement>`;

const AUTHN_STATEMENT =
  `<saml:AuthnStatement AuthnInstant="{IssueInstant}" SessionIndex="{AssertionID}"><saml:AuthnContext>` +
  `<saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>`;

type Sign = "assertion" | "response" | "both";

type Interop = {
  idp: samlify.IdentityProviderInstance;
  connection: Connection;
  /** samlify's SP entity built from OUR metadata; `sign` decides what samlify signs. */
  sp: (sign: Sign) => Promise<samlify.ServiceProviderInstance>;
  respond: (
    sign: Sign,
    requestId: string | null,
    user: { email: string; firstName?: string; lastName?: string; groups?: string[] },
  ) => Promise<string>;
};

async function makeInterop(opts: { bindings: ("redirect" | "post")[]; allowIdpInitiated?: boolean }): Promise<Interop> {
  const id = randomBytes(4).toString("hex");
  const keys = generateSpKeyPair({ commonName: `samlify-idp-${id}` });
  const entityID = `https://samlify-${id}.idp.test/metadata`;
  const idp = samlify.IdentityProvider({
    entityID,
    privateKey: keys.privateKeyPem,
    signingCert: keys.certificatePem,
    wantAuthnRequestsSigned: true,
    requestSignatureAlgorithm: RSA_SHA256,
    nameIDFormat: [EMAIL_FORMAT],
    singleSignOnService: opts.bindings.map((b) => ({
      Binding: b === "redirect" ? Constants.namespace.binding.redirect : Constants.namespace.binding.post,
      Location: `https://samlify-${id}.idp.test/sso/${b}`,
    })),
    loginResponseTemplate: {
      context: SamlLib.defaultLoginResponseTemplate.context
        .replace("{AuthnStatement}", AUTHN_STATEMENT)
        .replace("{AttributeStatement}", "{Attrs}"),
      attributes: [],
    },
  });
  // Our side: the connection is created from samlify's own IdP metadata document.
  const connection = await createConnection(
    t.db,
    workspace.id,
    connectionCreateSchema.parse({
      name: `samlify ${id}`,
      slug: `samlify-${id}`,
      idpType: "other",
      metadataXml: idp.getMetadata(),
      allowIdpInitiated: opts.allowIdpInitiated ?? false,
    }),
    memberActor(ownerId, "owner"),
  );
  const spMetadataXml = async () => {
    const res = await metadataRoute.GET(new Request(`${TEST_APP_URL}/auth/sso/saml/${connection.slug}/metadata`), params(connection.slug));
    expect(res.status).toBe(200);
    return res.text();
  };
  const sp = async (sign: Sign) => {
    let metadata = await spMetadataXml();
    // An IdP admin may choose to sign only the response (Google's default): samlify signs the assertion
    // exactly when the SP metadata asks for it, so that choice is made on samlify's copy of our metadata.
    if (sign === "response") metadata = metadata.replace('WantAssertionsSigned="true"', 'WantAssertionsSigned="false"');
    return samlify.ServiceProvider({ metadata, wantMessageSigned: sign !== "assertion" });
  };
  const respond: Interop["respond"] = async (sign, requestId, user) => {
    const spEntity = await sp(sign);
    const now = new Date();
    const later = new Date(now.getTime() + 5 * 60_000);
    const requestInfo = requestId ? { extract: { request: { id: requestId } } } : { extract: {} };
    const ctx = await idp.createLoginResponse(
      spEntity,
      requestInfo,
      "post",
      { email: user.email },
      {
        customTagReplacement: (template) => {
          const responseId = idp.entitySetting.generateID!();
          const values: Record<string, string> = {
            ID: responseId,
            AssertionID: idp.entitySetting.generateID!(),
            Destination: spEntity.entityMeta.getAssertionConsumerService("post") as string,
            Audience: spEntity.entityMeta.getEntityID(),
            SubjectRecipient: spEntity.entityMeta.getAssertionConsumerService("post") as string,
            Issuer: idp.entityMeta.getEntityID(),
            IssueInstant: now.toISOString(),
            StatusCode: Constants.StatusCode.Success,
            ConditionsNotBefore: now.toISOString(),
            ConditionsNotOnOrAfter: later.toISOString(),
            SubjectConfirmationDataNotOnOrAfter: later.toISOString(),
            NameIDFormat: EMAIL_FORMAT,
            NameID: user.email,
            InResponseTo: requestId ?? "",
          };
          const filled = SamlLib.replaceTagsByValue(template, values).replace(
            "{Attrs}",
            ATTRIBUTES_XML({
              email: user.email,
              firstName: user.firstName ?? "Ada",
              lastName: user.lastName ?? "Lovelace",
              groups: user.groups ?? ["engineering", "admins"],
            }),
          );
          return { id: responseId, context: filled };
        },
      },
    );
    return ctx.context;
  };
  return { idp, connection, sp, respond };
}

const postAcs = (slug: string, fields: Record<string, string>, browser = new TestBrowser()) =>
  acsRoute
    .POST(
      browser.request(`${TEST_APP_URL}/auth/sso/saml/${slug}/acs`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(fields).toString(),
      }),
      params(slug),
    )
    .then((r) => browser.take(r));

/** The exact signed octets of an HTTP-Redirect message: the raw query pieces, in order, without Signature. */
function redirectOctets(url: string): string {
  const raw = url.slice(url.indexOf("?") + 1);
  return raw
    .split("&")
    .filter((p) => /^(SAMLRequest|RelayState|SigAlg)=/.test(p))
    .join("&");
}

async function startRedirectLogin(x: Interop, returnTo: string, browser = new TestBrowser()) {
  const res = browser.take(
    await loginRoute.GET(
      browser.request(`${TEST_APP_URL}/auth/sso/saml/${x.connection.slug}/login?return_to=${encodeURIComponent(returnTo)}`),
      params(x.connection.slug),
    ),
  );
  expect(res.status).toBe(302);
  const url = res.headers.get("location")!;
  const query = Object.fromEntries(new URL(url).searchParams);
  // samlify verifies SigAlg/Signature over the raw octets and validates the request against the SAML XSD.
  const parsed = await x.idp.parseLoginRequest(await x.sp("assertion"), "redirect", { query, octetString: redirectOctets(url) });
  return { url, query, parsed };
}

async function expectSignedIn(acs: Response, email: string, returnTo: string, browser: TestBrowser) {
  expect(acs.status).toBe(303);
  const location = acs.headers.get("location")!;
  expect(location).toMatch(/^\/auth\/sso\/complete\?ticket=/);
  const done = await completeRoute.GET(browser.request(`${TEST_APP_URL}${location}`));
  expect(done.status).toBe(303);
  expect(done.headers.get("location")).toBe(`${TEST_APP_URL}${returnTo}`);
  expect(done.headers.get("set-cookie")).toMatch(/session-token=/);
  // The ticket is single use.
  const noCookies = { browserBinding: null, loginNonce: null };
  await expect(redeemLoginTicket(t.db, new URL(location, TEST_APP_URL).searchParams.get("ticket")!, noCookies)).rejects.toMatchObject({
    code: "SAML_LOGIN_TICKET_INVALID",
  });
  const { items } = await listSsoEvents(t.db, workspace.id, { email });
  expect(items[0]).toMatchObject({ outcome: "success", email });
}

describe("samlify IdP ↔ Gatehouse SP", () => {
  let x: Interop;
  beforeAll(async () => {
    x = await makeInterop({ bindings: ["redirect", "post"] });
  });

  it("the connection made from samlify's metadata holds its entity ID, SSO URLs and certificate", () => {
    expect(x.connection.idpEntityId).toBe(x.idp.entityMeta.getEntityID());
    expect(x.connection.idpSsoUrlRedirect).toMatch(/\/sso\/redirect$/);
    expect(x.connection.idpSsoUrlPost).toMatch(/\/sso\/post$/);
    expect(x.connection.idpCertificates).toHaveLength(1);
  });

  it("samlify reads our SP metadata: entity ID, ACS, signed requests, wants signed assertions", async () => {
    const sp = await x.sp("assertion");
    expect(sp.entityMeta.getEntityID()).toBe(`${TEST_APP_URL}/auth/sso/saml/${x.connection.slug}`);
    expect(sp.entityMeta.getAssertionConsumerService("post")).toBe(`${TEST_APP_URL}/auth/sso/saml/${x.connection.slug}/acs`);
    expect(sp.entityMeta.isAuthnRequestSigned()).toBe(true);
    expect(sp.entityMeta.isWantAssertionsSigned()).toBe(true);
    expect(sp.entityMeta.getX509Certificate("signing")).toBeTruthy();
  });

  it("HTTP-Redirect AuthnRequest: samlify verifies SigAlg/Signature and the schema; a tampered query is refused", async () => {
    const { url, query, parsed } = await startRedirectLogin(x, "/w/anything");
    expect(parsed.sigAlg).toBe(RSA_SHA256);
    const request = parsed.extract.request as Record<string, string>;
    expect(request.id).toMatch(/^_/);
    expect(request.assertionConsumerServiceUrl).toBe(`${TEST_APP_URL}/auth/sso/saml/${x.connection.slug}/acs`);
    expect(parsed.extract.issuer).toBe(`${TEST_APP_URL}/auth/sso/saml/${x.connection.slug}`);
    const forged = redirectOctets(url).replace(/RelayState=[^&]*/, "RelayState=forged");
    await expect(
      x.idp.parseLoginRequest(await x.sp("assertion"), "redirect", { query: { ...query, RelayState: "forged" }, octetString: forged }),
    ).rejects.toThrow(/SIGNATURE/);
  });

  for (const sign of ["assertion", "response", "both"] as const) {
    it(`SP-initiated with samlify signing the ${sign}: 303 to the ticket, session, stored return path`, async () => {
      const returnTo = `/w/${workspace.slug}/settings?from=${sign}`;
      const browser = new TestBrowser();
      const { query, parsed } = await startRedirectLogin(x, returnTo, browser);
      const email = `sp-${sign}-${randomBytes(3).toString("hex")}@interop.test`;
      const samlResponse = await x.respond(sign, (parsed.extract.request as Record<string, string>).id, { email });
      const xml = Buffer.from(samlResponse, "base64").toString("utf8");
      const signatures = xml.match(/<ds:Signature[\s>]/g) ?? [];
      expect(signatures).toHaveLength(sign === "both" ? 2 : 1);
      await expectSignedIn(
        await postAcs(x.connection.slug, { SAMLResponse: samlResponse, RelayState: query.RelayState! }, browser),
        email,
        returnTo,
        browser,
      );
    });
  }

  it("names and groups from samlify's attributes reach provisioning; the same response again is a replay", async () => {
    const { query, parsed } = await startRedirectLogin(x, "/");
    const email = `names-${randomBytes(3).toString("hex")}@interop.test`;
    const samlResponse = await x.respond("both", (parsed.extract.request as Record<string, string>).id, {
      email,
      firstName: "Grace",
      lastName: "Hopper",
      groups: ["eng", "ops"],
    });
    expect((await postAcs(x.connection.slug, { SAMLResponse: samlResponse, RelayState: query.RelayState! })).status).toBe(303);
    const { items } = await listSsoEvents(t.db, workspace.id, { email });
    expect(items[0]!.detail).toMatchObject({ issuer: x.idp.entityMeta.getEntityID(), nameId: email, nameIdFormat: EMAIL_FORMAT });
    const replay = await postAcs(x.connection.slug, { SAMLResponse: samlResponse, RelayState: query.RelayState! });
    expect(replay.status).toBe(401);
    expect(await replay.text()).toContain("SAML_REPLAY");
  });

  it("IdP-initiated (unsolicited) samlify response is refused while the connection does not allow it", async () => {
    const samlResponse = await x.respond("assertion", null, { email: `unsolicited-${randomBytes(3).toString("hex")}@interop.test` });
    const res = await postAcs(x.connection.slug, { SAMLResponse: samlResponse });
    expect(res.status).toBe(401);
    expect(await res.text()).toContain("SAML_UNSOLICITED");
  });
});

describe("samlify IdP-initiated", () => {
  it("allowIdpInitiated: an unsolicited samlify response (assertion, response, both signed) signs in", async () => {
    const x = await makeInterop({ bindings: ["redirect"], allowIdpInitiated: true });
    for (const sign of ["assertion", "response", "both"] as const) {
      const email = `idp-${sign}-${randomBytes(3).toString("hex")}@interop.test`;
      const samlResponse = await x.respond(sign, null, { email });
      expect(Buffer.from(samlResponse, "base64").toString("utf8")).toContain('InResponseTo=""');
      const browser = new TestBrowser();
      await expectSignedIn(
        await postAcs(x.connection.slug, { SAMLResponse: samlResponse, RelayState: "/w/deep/link" }, browser),
        email,
        "/w/deep/link",
        browser,
      );
    }
  });
});

describe("samlify with a POST-only IdP", () => {
  it("HTTP-POST AuthnRequest: samlify verifies the enveloped signature and the schema; the round trip completes", async () => {
    const x = await makeInterop({ bindings: ["post"] });
    expect(x.connection.idpSsoUrlRedirect).toBeNull();
    const browser = new TestBrowser();
    const res = browser.take(
      await loginRoute.GET(
        browser.request(`${TEST_APP_URL}/auth/sso/saml/${x.connection.slug}/login?return_to=/post-only`),
        params(x.connection.slug),
      ),
    );
    expect(res.status).toBe(200);
    const html = await res.text();
    const field = (name: string) =>
      new RegExp(`name="${name}" value="([^"]*)"`)
        .exec(html)![1]!
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&amp;/g, "&");
    expect(html).toContain(`action="${x.connection.idpSsoUrlPost}"`);
    const parsed = await x.idp.parseLoginRequest(await x.sp("assertion"), "post", {
      body: { SAMLRequest: field("SAMLRequest"), RelayState: field("RelayState") },
    });
    const requestId = (parsed.extract.request as Record<string, string>).id;
    expect(requestId).toMatch(/^_/);
    // Tampering with the signed request breaks samlify's verification.
    const tampered = Buffer.from(
      Buffer.from(field("SAMLRequest"), "base64").toString("utf8").replace('AllowCreate="true"', 'AllowCreate="false"'),
    ).toString("base64");
    await expect(x.idp.parseLoginRequest(await x.sp("assertion"), "post", { body: { SAMLRequest: tampered } })).rejects.toThrow();
    const email = `post-${randomBytes(3).toString("hex")}@interop.test`;
    await expectSignedIn(
      await postAcs(
        x.connection.slug,
        { SAMLResponse: await x.respond("both", requestId, { email }), RelayState: field("RelayState") },
        browser,
      ),
      email,
      "/post-only",
      browser,
    );
  });
});
