import { beforeAll, describe, expect, test } from "vitest";
import { signResponseXml } from "@/lib/dev-idp";
import { validateSamlResponse, verifyResponseSignatureOnly } from "./index";
import { ACS_URL, NOW, SP_ENTITY_ID, IDP_ENTITY_ID, createScenario, fillTemplate, readFixture, type Scenario } from "./fixtures/scenario";

let s: Scenario;
beforeAll(() => {
  s = createScenario();
});

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");
const b64 = (xml: string) => Buffer.from(xml, "utf8").toString("base64");

describe("happy path per sign mode", () => {
  test.each(["assertion", "response", "both"] as const)("signed %s → identity from the signed bytes", (sign) => {
    const r = validateSamlResponse({ samlResponse: s.response({ sign, sessionIndex: "sess-1" }), expected: s.expected, now: NOW });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.assertion).toMatchObject({
      issuer: IDP_ENTITY_ID,
      nameId: "jane.doe@acme.test",
      nameIdFormat: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
      inResponseTo: "_req-123",
      sessionIndex: "sess-1",
      email: "jane.doe@acme.test",
      firstName: "Jane",
      lastName: "Doe",
      attributes: { firstName: ["Jane"], lastName: ["Doe"], groups: ["engineering", "admins"] },
    });
    expect(r.assertion.id).toMatch(/^_/);
    expect(r.assertion.notOnOrAfter.toISOString()).toBe(new Date(NOW.getTime() + 5 * 60_000).toISOString());
  });

  test("unsolicited (IdP-initiated) response → inResponseTo null", () => {
    const r = validateSamlResponse({ samlResponse: s.response({ inResponseTo: null }), expected: s.expected, now: NOW });
    expect(r.ok && r.assertion.inResponseTo).toBe(null);
  });

  test("InResponseTo only on a signed Response is taken from the signed Response", () => {
    for (const sign of ["response", "both"] as const) {
      const r = validateSamlResponse({
        samlResponse: s.response({ sign, inResponseTo: null, responseInResponseTo: "_req-9" }),
        expected: s.expected,
        now: NOW,
      });
      expect(r.ok && r.assertion.inResponseTo).toBe("_req-9");
    }
    // Only the assertion signed: the Response's value is not covered, so it is refused.
    const r = validateSamlResponse({
      samlResponse: s.response({ sign: "assertion", inResponseTo: null, responseInResponseTo: "_req-9" }),
      expected: s.expected,
      now: NOW,
    });
    expect(r.ok ? "ok" : r.code).toBe("SAML_IN_RESPONSE_TO_INVALID");
  });

  test("notOnOrAfter is the earlier of Conditions and SubjectConfirmationData", () => {
    const subjectNotOnOrAfter = new Date(NOW.getTime() + 60_000);
    const r = validateSamlResponse({ samlResponse: s.response({ subjectNotOnOrAfter }), expected: s.expected, now: NOW });
    expect(r.ok && r.assertion.notOnOrAfter.getTime()).toBe(subjectNotOnOrAfter.getTime());
  });

  test("email from attributes when NameID is opaque; Entra claim URIs for names", () => {
    const r = validateSamlResponse({
      samlResponse: s.response({
        nameId: "AAF23-opaque",
        nameIdFormat: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
        attributes: {
          "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress": "Ana@Entra.test",
          "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname": "Ana",
          "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname": "Silva",
        },
      }),
      expected: s.expected,
      now: NOW,
    });
    expect(r.ok).toBe(true);
    if (r.ok)
      expect([r.assertion.nameId, r.assertion.email, r.assertion.firstName, r.assertion.lastName]).toEqual([
        "AAF23-opaque",
        "ana@entra.test",
        "Ana",
        "Silva",
      ]);
  });

  test.each([["mail"], ["email"], ["urn:oid:0.9.2342.19200300.100.1.3"]])("email attribute %s", (name) => {
    const r = validateSamlResponse({
      samlResponse: s.response({
        nameId: "opaque-1",
        nameIdFormat: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
        attributes: { [name]: "x@y.test", givenName: "X", surname: "Y" },
      }),
      expected: s.expected,
      now: NOW,
    });
    expect(r.ok && [r.assertion.email, r.assertion.firstName, r.assertion.lastName]).toEqual(["x@y.test", "X", "Y"]);
  });

  test("every trusted certificate works (IdP key rotation)", () => {
    const expected = { ...s.expected, idpCertificatesPem: [s.attacker.certificatePem, s.idp.certificatePem] };
    expect(validateSamlResponse({ samlResponse: s.response(), expected, now: NOW }).ok).toBe(true);
  });

  test.each([
    ["rsaSha256", "sha256"],
    ["rsaSha384", "sha384"],
    ["rsaSha512", "sha512"],
    ["rsaSha256", "sha512"],
  ])("algorithms %s / %s accepted", (sigAlg, digestAlg) => {
    const r = validateSamlResponse({ samlResponse: s.response({ sigAlg, digestAlg, sign: "both" }), expected: s.expected, now: NOW });
    expect(r.ok).toBe(true);
  });

  test("ECDSA-SHA256 with a P-256 certificate", () => {
    const key = readFixture("keys", "ec-p256.key.pem");
    const cert = readFixture("keys", "ec-p256.cert.pem");
    const samlResponse = s.response({ sigAlg: "ecdsaSha256", signingKey: { privateKeyPem: key, certificatePem: cert } });
    expect(validateSamlResponse({ samlResponse, expected: { ...s.expected, idpCertificatesPem: [cert] }, now: NOW }).ok).toBe(true);
    expect(validateSamlResponse({ samlResponse, expected: s.expected, now: NOW })).toMatchObject({
      ok: false,
      code: "SAML_SIGNATURE_INVALID",
    });
  });

  test("verifyResponseSignatureOnly checks only the signature", () => {
    const expired = s.response({ notOnOrAfter: new Date(NOW.getTime() - 3600_000) });
    expect(verifyResponseSignatureOnly(expired, [s.idp.certificatePem])).toEqual({ ok: true });
    expect(verifyResponseSignatureOnly(expired, [s.attacker.certificatePem])).toMatchObject({ ok: false, code: "SAML_SIGNATURE_INVALID" });
  });
});

describe("vendor-shaped responses", () => {
  const values = () => ({
    ACS: ACS_URL,
    AUDIENCE: SP_ENTITY_ID,
    ISSUER: IDP_ENTITY_ID,
    IRT: "_req-vendor",
    NOW: iso(NOW),
    NOT_BEFORE: iso(new Date(NOW.getTime() - 60_000)),
    NOT_ON_OR_AFTER: iso(new Date(NOW.getTime() + 3600_000)),
    RESPONSE_ID: "_resp" + Math.random().toString(16).slice(2),
    ASSERTION_ID: "_assert" + Math.random().toString(16).slice(2),
    SESSION_INDEX: "_sess42",
  });
  const sign = (xml: string, mode: "assertion" | "response" | "both", signaturePrefix?: string | null) =>
    b64(signResponseXml(xml, { mode, privateKeyPem: s.idp.privateKeyPem, certificatePem: s.idp.certificatePem, signaturePrefix }));

  test("Okta-like (saml2 prefixes, pretty-printed, signed response and assertion)", () => {
    const r = validateSamlResponse({ samlResponse: sign(fillTemplate("okta.xml", values()), "both"), expected: s.expected, now: NOW });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.assertion).toMatchObject({
      email: "jane.doe@okta-customer.test",
      nameId: "Jane.Doe@okta-customer.test",
      firstName: "Jane",
      lastName: "Doe",
      inResponseTo: "_req-vendor",
      sessionIndex: "_sess42",
    });
    expect(r.assertion.attributes.groups).toEqual(["Everyone", "Gatehouse Admins"]);
  });

  test("Entra-like (default namespace, persistent NameID, claim URIs, default-namespace Signature)", () => {
    const r = validateSamlResponse({
      samlResponse: sign(fillTemplate("entra.xml", values()), "assertion", null),
      expected: s.expected,
      now: NOW,
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.assertion).toMatchObject({ email: "ana.silva@entra-customer.test", firstName: "Ana", lastName: "Silva" });
    expect(r.assertion.attributes["http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"]).toHaveLength(2);
  });

  test("Google-like (unspecified NameID that is an email, signed response)", () => {
    const r = validateSamlResponse({
      samlResponse: sign(fillTemplate("google.xml", values()), "response"),
      expected: s.expected,
      now: NOW,
    });
    expect(r.ok).toBe(true);
    if (r.ok)
      expect(r.assertion).toMatchObject({
        email: "li.wei@google-customer.test",
        firstName: "Li",
        lastName: "Wei",
        attributes: { groups: ["eng@google-customer.test"] },
      });
  });
});
