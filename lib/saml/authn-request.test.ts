import crypto from "node:crypto";
import zlib from "node:zlib";
import { beforeAll, describe, expect, test } from "vitest";
import { createDevIdp, type DevIdp } from "@/lib/dev-idp";
import { buildAuthnRequest, generateSpKeyPair, type SpKeyPair } from "./index";

let idp: DevIdp;
let sp: SpKeyPair;
let other: SpKeyPair;
const now = new Date("2026-03-10T12:00:00Z");
const base = {
  spEntityId: "http://localhost:3999/auth/sso/saml/acme",
  acsUrl: "http://localhost:3999/auth/sso/saml/acme/acs",
  idpSsoUrl: "https://idp.example.test/sso",
  relayState: "rs_0123456789",
  now,
};

beforeAll(() => {
  idp = createDevIdp({ entityId: "https://idp.example.test/metadata" });
  sp = generateSpKeyPair({ commonName: "sp" });
  other = generateSpKeyPair({ commonName: "other" });
});

describe("buildAuthnRequest — HTTP-Redirect", () => {
  test("DEFLATE + base64 request with a query signature that the dev IdP verifies with the SP cert", () => {
    const r = buildAuthnRequest({ ...base, binding: "redirect", signingKeyPem: sp.privateKeyPem });
    expect(r.binding).toBe("redirect");
    if (r.binding !== "redirect") return;
    const url = new URL(r.url);
    expect(`${url.origin}${url.pathname}`).toBe(base.idpSsoUrl);
    expect([...url.searchParams.keys()]).toEqual(["SAMLRequest", "RelayState", "SigAlg", "Signature"]);
    expect(url.searchParams.get("SigAlg")).toBe("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256");
    const parsed = idp.parseAuthnRequest({ binding: "redirect", query: r.url, spCertificatesPem: [sp.certificatePem] });
    expect(parsed).toMatchObject({
      id: r.id,
      issuer: base.spEntityId,
      acsUrl: base.acsUrl,
      destination: base.idpSsoUrl,
      relayState: base.relayState,
      signed: true,
      signatureVerified: true,
    });
    expect(parsed.protocolBinding).toBe("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST");
  });

  test("the signature is over SAMLRequest=…&RelayState=…&SigAlg=… exactly (bindings §3.4.4.1)", () => {
    const r = buildAuthnRequest({ ...base, binding: "redirect", signingKeyPem: sp.privateKeyPem });
    if (r.binding !== "redirect") throw new Error();
    const query = r.url.split("?")[1];
    const [signedPart, sigPart] = query.split("&Signature=");
    expect(signedPart).toMatch(
      /^SAMLRequest=[^&]+&RelayState=rs_0123456789&SigAlg=http%3A%2F%2Fwww\.w3\.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256$/,
    );
    const ok = crypto.verify("sha256", Buffer.from(signedPart), sp.certificatePem, Buffer.from(decodeURIComponent(sigPart), "base64"));
    expect(ok).toBe(true);
    const xml = zlib
      .inflateRawSync(Buffer.from(decodeURIComponent(signedPart.split("&")[0].slice("SAMLRequest=".length)), "base64"))
      .toString();
    expect(xml).toContain(`ID="${r.id}"`);
    expect(xml).toContain("AssertionConsumerServiceURL=");
  });

  test("a tampered RelayState or a different SP key fails; unsigned fails when a cert is expected", () => {
    const r = buildAuthnRequest({ ...base, binding: "redirect", signingKeyPem: sp.privateKeyPem });
    if (r.binding !== "redirect") throw new Error();
    expect(() =>
      idp.parseAuthnRequest({
        binding: "redirect",
        query: r.url.replace("RelayState=rs_", "RelayState=xx_"),
        spCertificatesPem: [sp.certificatePem],
      }),
    ).toThrow(expect.objectContaining({ code: "SAML_SIGNATURE_INVALID" }));
    expect(() => idp.parseAuthnRequest({ binding: "redirect", query: r.url, spCertificatesPem: [other.certificatePem] })).toThrow(
      expect.objectContaining({ code: "SAML_SIGNATURE_INVALID" }),
    );
    const unsigned = r.url.split("&SigAlg=")[0];
    expect(() => idp.parseAuthnRequest({ binding: "redirect", query: unsigned, spCertificatesPem: [sp.certificatePem] })).toThrow(
      expect.objectContaining({ code: "SAML_SIGNATURE_MISSING" }),
    );
    // several SP certs (rotation): any one verifies
    expect(
      idp.parseAuthnRequest({ binding: "redirect", query: r.url, spCertificatesPem: [other.certificatePem, sp.certificatePem] })
        .signatureVerified,
    ).toBe(true);
  });

  test("keeps an existing query string on the SSO URL and honours a given id", () => {
    const r = buildAuthnRequest({
      ...base,
      id: "_fixed-id",
      idpSsoUrl: "https://idp.example.test/sso?tenant=7",
      binding: "redirect",
      signingKeyPem: sp.privateKeyPem,
    });
    expect(r.id).toBe("_fixed-id");
    if (r.binding === "redirect") expect(r.url.startsWith("https://idp.example.test/sso?tenant=7&SAMLRequest=")).toBe(true);
  });
});

describe("buildAuthnRequest — HTTP-POST", () => {
  test("enveloped XML signature verified by the dev IdP", () => {
    const r = buildAuthnRequest({ ...base, binding: "post", signingKeyPem: sp.privateKeyPem });
    expect(r.binding).toBe("post");
    if (r.binding !== "post") return;
    expect(r.action).toBe(base.idpSsoUrl);
    expect(r.fields.RelayState).toBe(base.relayState);
    const parsed = idp.parseAuthnRequest({
      binding: "post",
      samlRequest: r.fields.SAMLRequest,
      relayState: r.fields.RelayState,
      spCertificatesPem: [sp.certificatePem],
    });
    expect(parsed).toMatchObject({ id: r.id, issuer: base.spEntityId, acsUrl: base.acsUrl, signed: true, signatureVerified: true });
    expect(() =>
      idp.parseAuthnRequest({ binding: "post", samlRequest: r.fields.SAMLRequest, spCertificatesPem: [other.certificatePem] }),
    ).toThrow(expect.objectContaining({ code: "SAML_SIGNATURE_INVALID" }));
    const tampered = Buffer.from(
      Buffer.from(r.fields.SAMLRequest, "base64").toString().replace(base.acsUrl, "https://evil.test/acs"),
    ).toString("base64");
    expect(() => idp.parseAuthnRequest({ binding: "post", samlRequest: tampered, spCertificatesPem: [sp.certificatePem] })).toThrow(
      expect.objectContaining({ code: "SAML_SIGNATURE_INVALID" }),
    );
  });
});
