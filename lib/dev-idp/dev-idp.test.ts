import zlib from "node:zlib";
import { beforeAll, describe, expect, test } from "vitest";
import { parseIdpMetadata, validateSamlResponse, generateSpKeyPair, type SpKeyPair } from "@/lib/saml";
import { createDevIdp, type DevIdp } from "./index";
import { decodeResponse } from "./attacks";

let idp: DevIdp;
let keys: SpKeyPair;
beforeAll(() => {
  keys = generateSpKeyPair({ commonName: "fixed dev idp" });
  idp = createDevIdp({ entityId: "http://localhost:3999/dev/idp", ...keys });
});

describe("createDevIdp", () => {
  test("uses the given keys, or generates its own", () => {
    expect(idp.certificatePem).toBe(keys.certificatePem);
    const fresh = createDevIdp({ entityId: "x" });
    expect(fresh.certificatePem).toContain("BEGIN CERTIFICATE");
    expect(fresh.privateKeyPem).toContain("PRIVATE KEY");
    expect(() => createDevIdp({ entityId: "x", privateKeyPem: keys.privateKeyPem })).toThrow();
  });

  test("metadata advertises Redirect and POST SSO and its signing cert; lib/saml parses it", () => {
    const r = parseIdpMetadata(idp.metadataXml("http://localhost:3999/dev/idp/sso"));
    expect(r).toMatchObject({
      ok: true,
      metadata: {
        entityId: "http://localhost:3999/dev/idp",
        ssoUrlRedirect: "http://localhost:3999/dev/idp/sso",
        ssoUrlPost: "http://localhost:3999/dev/idp/sso",
      },
    });
    expect(r.ok && r.metadata.certificates[0].pem.replace(/\s/g, "")).toBe(keys.certificatePem.replace(/\s/g, ""));
  });

  test("createResponse: real signed XML a validator accepts, with multi-valued attributes", () => {
    const now = new Date();
    const sp = "http://localhost:3999/auth/sso/saml/demo";
    const samlResponse = idp.createResponse({
      acsUrl: `${sp}/acs`,
      audience: sp,
      nameId: "dev@demo.test",
      attributes: { groups: ["a", "b", "c"] },
      sign: "both",
    });
    const xml = decodeResponse(samlResponse);
    expect(xml.match(/<ds:Signature /g)).toHaveLength(2);
    const r = validateSamlResponse({
      samlResponse,
      expected: {
        spEntityId: sp,
        acsUrl: `${sp}/acs`,
        idpEntityId: idp.entityId,
        idpCertificatesPem: [idp.certificatePem],
        allowSha1: false,
        clockSkewSeconds: 120,
      },
      now,
    });
    expect(r.ok && r.assertion.attributes.groups).toEqual(["a", "b", "c"]);
  });

  test("sign: none produces no signature; ids and InResponseTo are configurable", () => {
    const xml = idp.createResponseXml({
      acsUrl: "https://sp/acs",
      audience: "https://sp",
      nameId: "u@x.test",
      sign: "none",
      assertionId: "_a1",
      responseId: "_r1",
      inResponseTo: "_q1",
    });
    expect(xml).not.toContain("Signature");
    expect(xml).toContain('ID="_a1"');
    expect(xml).toContain('ID="_r1"');
    expect(xml.match(/InResponseTo="_q1"/g)).toHaveLength(2);
  });
});

describe("parseAuthnRequest errors", () => {
  const deflate = (xml: string) => encodeURIComponent(zlib.deflateRawSync(Buffer.from(xml)).toString("base64"));

  test("missing SAMLRequest, non-deflate, DOCTYPE, wrong root", () => {
    expect(() => idp.parseAuthnRequest({ binding: "redirect", query: "RelayState=x" })).toThrow(
      expect.objectContaining({ code: "SAML_MALFORMED" }),
    );
    expect(() => idp.parseAuthnRequest({ binding: "redirect", query: "SAMLRequest=AAAA" })).toThrow(
      expect.objectContaining({ code: "SAML_MALFORMED" }),
    );
    const dtd = `<!DOCTYPE x [<!ENTITY a "b">]><samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_1"/>`;
    expect(() => idp.parseAuthnRequest({ binding: "redirect", query: `SAMLRequest=${deflate(dtd)}` })).toThrow(
      expect.objectContaining({ code: "SAML_DOCTYPE_FORBIDDEN" }),
    );
    const wrong = `<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_1"/>`;
    expect(() => idp.parseAuthnRequest({ binding: "redirect", query: `SAMLRequest=${deflate(wrong)}` })).toThrow(
      expect.objectContaining({ code: "SAML_MALFORMED" }),
    );
    expect(() => idp.parseAuthnRequest({ binding: "post", samlRequest: "!!!" })).toThrow(
      expect.objectContaining({ code: "SAML_MALFORMED" }),
    );
  });

  test("unsigned request without SP certs is parsed but not verified", () => {
    const xml = `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_9" Version="2.0" AssertionConsumerServiceURL="https://sp/acs"><saml:Issuer>https://sp</saml:Issuer></samlp:AuthnRequest>`;
    const r = idp.parseAuthnRequest({ binding: "redirect", query: `?SAMLRequest=${deflate(xml)}&RelayState=abc%20d` });
    expect(r).toMatchObject({
      id: "_9",
      issuer: "https://sp",
      acsUrl: "https://sp/acs",
      relayState: "abc d",
      signed: false,
      signatureVerified: false,
    });
  });
});
