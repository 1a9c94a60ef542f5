/**
 * Encrypted assertions from an independent IdP implementation (samlify, with the SAML XSD validator):
 * samlify reads OUR SP metadata, takes the `use="encryption"` certificate from it, encrypts the assertion
 * (its own xml-encryption fork) and posts to our real ACS route.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as samlify from "samlify";
import * as xsdValidator from "@authenio/samlify-node-xmllint";
import { generateSpKeyPair } from "@/lib/saml";
import { useDbForTests } from "@/server/bootstrap";
import { TEST_APP_URL } from "@/lib/testing/saml-kit";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { createConnection, updateConnection, type Connection } from "@/lib/services/connections";
import { connectionCreateSchema } from "@/lib/schemas/connections";
import { listSsoEvents } from "@/lib/services/sso-events";
import { createWorkspace, type Workspace } from "@/lib/services/workspaces";
import * as metadataRoute from "@/app/auth/sso/saml/[slug]/metadata/route";
import * as acsRoute from "@/app/auth/sso/saml/[slug]/acs/route";
import { TestBrowser } from "@/lib/testing/test-browser";
import { memberActor } from "@/lib/services/actor";

samlify.setSchemaValidator(xsdValidator);
const { SamlLib, Constants } = samlify;
const EMAIL_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
const GCM_128 = "http://www.w3.org/2009/xmlenc11#aes128-gcm";
const CBC_256 = "http://www.w3.org/2001/04/xmlenc#aes256-cbc";
const OAEP = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p";

let t: TestDb;
let workspace: Workspace;
let ownerId: string;
beforeAll(async () => {
  t = await createTestDb();
  useDbForTests(t.db);
  const id = randomBytes(4).toString("hex");
  const made = await createWorkspace(t.db, { slug: `interop-enc-${id}`, name: "Interop enc", ownerEmail: `owner@interop-enc-${id}.test` });
  workspace = made.workspace;
  ownerId = made.owner.id;
});
afterAll(async () => {
  await t?.close();
});

const params = (slug: string) => ({ params: Promise.resolve({ slug }) });
type Sign = "assertion" | "response" | "both";

async function makeEncryptingIdp(dataEncryptionAlgorithm: string) {
  const id = randomBytes(4).toString("hex");
  const keys = generateSpKeyPair({ commonName: `samlify-enc-${id}` });
  const idp = samlify.IdentityProvider({
    entityID: `https://samlify-enc-${id}.idp.test/metadata`,
    privateKey: keys.privateKeyPem,
    signingCert: keys.certificatePem,
    nameIDFormat: [EMAIL_FORMAT],
    singleSignOnService: [{ Binding: Constants.namespace.binding.redirect, Location: `https://samlify-enc-${id}.idp.test/sso` }],
    isAssertionEncrypted: true,
    // samlify reads these at run time; its typings do not declare them.
    ...({ dataEncryptionAlgorithm, keyEncryptionAlgorithm: OAEP } as object),
  });
  let connection: Connection = await createConnection(
    t.db,
    workspace.id,
    connectionCreateSchema.parse({
      name: `samlify enc ${id}`,
      slug: `samlify-enc-${id}`,
      metadataXml: idp.getMetadata(),
      allowIdpInitiated: true,
    }),
    memberActor(ownerId, "owner"),
  );
  connection = await updateConnection(
    t.db,
    workspace.id,
    connection.id,
    { version: connection.version, requireEncryptedAssertions: true },
    memberActor(ownerId, "owner"),
  );
  const spEntity = async (sign: Sign) => {
    const res = await metadataRoute.GET(new Request(`${TEST_APP_URL}/auth/sso/saml/${connection.slug}/metadata`), params(connection.slug));
    let metadata = await res.text();
    if (sign === "response") metadata = metadata.replace('WantAssertionsSigned="true"', 'WantAssertionsSigned="false"');
    return samlify.ServiceProvider({ metadata, wantMessageSigned: sign !== "assertion" });
  };
  const respond = async (sign: Sign, email: string) => {
    const sp = await spEntity(sign);
    const now = new Date();
    const later = new Date(now.getTime() + 5 * 60_000);
    const ctx = await idp.createLoginResponse(
      sp,
      { extract: {} },
      "post",
      { email },
      (template: string) => {
        const responseId = idp.entitySetting.generateID!();
        const acs = sp.entityMeta.getAssertionConsumerService("post") as string;
        const values: Record<string, string> = {
          ID: responseId,
          AssertionID: idp.entitySetting.generateID!(),
          Destination: acs,
          Audience: sp.entityMeta.getEntityID(),
          SubjectRecipient: acs,
          Issuer: idp.entityMeta.getEntityID(),
          IssueInstant: now.toISOString(),
          StatusCode: Constants.StatusCode.Success,
          ConditionsNotBefore: now.toISOString(),
          ConditionsNotOnOrAfter: later.toISOString(),
          SubjectConfirmationDataNotOnOrAfter: later.toISOString(),
          NameIDFormat: EMAIL_FORMAT,
          NameID: email,
          InResponseTo: "",
          AuthnStatement: "",
          AttributeStatement: "",
        };
        return { id: responseId, context: SamlLib.replaceTagsByValue(template, values) };
      },
      true, // encrypt, then sign the Response over the EncryptedAssertion
    );
    return ctx.context;
  };
  return { idp, connection, spEntity, respond };
}

const postAcs = (slug: string, SAMLResponse: string) => {
  const browser = new TestBrowser();
  return acsRoute
    .POST(
      browser.request(`${TEST_APP_URL}/auth/sso/saml/${slug}/acs`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ SAMLResponse }).toString(),
      }),
      params(slug),
    )
    .then((r) => browser.take(r));
};

async function lastEvent(email: string) {
  return (await listSsoEvents(t.db, workspace.id, { email })).items[0];
}

describe("samlify IdP encrypting to our published encryption certificate", () => {
  it("samlify reads the encryption certificate from our SP metadata", async () => {
    const x = await makeEncryptingIdp(GCM_128);
    const sp = await x.spEntity("assertion");
    expect(sp.entityMeta.getX509Certificate("encryption")).toBeTruthy();
    expect(sp.entityMeta.getX509Certificate("encryption")).not.toBe(sp.entityMeta.getX509Certificate("signing"));
  });

  it.each([
    ["assertion", GCM_128],
    ["both", GCM_128],
    ["response", GCM_128],
    ["both", CBC_256],
  ] as const)("signed %s, content %s → signed in", async (sign, alg) => {
    const x = await makeEncryptingIdp(alg);
    const email = `enc-${randomBytes(3).toString("hex")}@samlify.test`;
    const samlResponse = await x.respond(sign, email);
    expect(Buffer.from(samlResponse, "base64").toString()).toContain("EncryptedAssertion");
    const res = await postAcs(x.connection.slug, samlResponse);
    expect(res.status, await res.clone().text()).toBe(303);
    expect(await lastEvent(email)).toMatchObject({ outcome: "success", email });
  });

  it("CBC with only an outer signature (samlify signs only the Response) → SAML_ENCRYPTION_CBC_NEEDS_SIGNED_ASSERTION", async () => {
    const x = await makeEncryptingIdp(CBC_256);
    const res = await postAcs(x.connection.slug, await x.respond("response", `cbc-${randomBytes(3).toString("hex")}@samlify.test`));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("SAML_ENCRYPTION_CBC_NEEDS_SIGNED_ASSERTION");
  });
});
