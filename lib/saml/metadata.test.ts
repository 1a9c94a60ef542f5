import { beforeAll, describe, expect, test } from "vitest";
import { createDevIdp } from "@/lib/dev-idp";
import { buildSpMetadata, generateSpKeyPair, parseCertificate, parseIdpMetadata, type SpKeyPair } from "./index";
import { certificateBody } from "./certificates";
import { parseXmlStrict, descendants } from "./xml";

let active: SpKeyPair;
let next: SpKeyPair;
beforeAll(() => {
  active = generateSpKeyPair({ commonName: "acme active" });
  next = generateSpKeyPair({ commonName: "acme next" });
});

describe("buildSpMetadata", () => {
  test("entity ID, flags, NameIDFormat, ACS and one signing KeyDescriptor per certificate (active + staged)", () => {
    const xml = buildSpMetadata({
      entityId: "http://localhost:3999/auth/sso/saml/acme",
      acsUrl: "http://localhost:3999/auth/sso/saml/acme/acs",
      signingCertificatesPem: [active.certificatePem, next.certificatePem],
    });
    const doc = parseXmlStrict(xml);
    const root = doc.documentElement!;
    expect(root.getAttribute("entityID")).toBe("http://localhost:3999/auth/sso/saml/acme");
    const sp = descendants(root, "SPSSODescriptor")[0];
    expect(sp.getAttribute("AuthnRequestsSigned")).toBe("true");
    expect(sp.getAttribute("WantAssertionsSigned")).toBe("true");
    expect(descendants(root, "NameIDFormat")[0].textContent).toBe("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress");
    const acs = descendants(root, "AssertionConsumerService");
    expect(acs).toHaveLength(1);
    expect(acs[0].getAttribute("Binding")).toBe("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST");
    expect(acs[0].getAttribute("Location")).toBe("http://localhost:3999/auth/sso/saml/acme/acs");
    const kds = descendants(root, "KeyDescriptor");
    expect(kds.map((k) => k.getAttribute("use"))).toEqual(["signing", "signing"]);
    const certs = descendants(root, "X509Certificate").map((c) => c.textContent);
    expect(certs).toEqual([certificateBody(active.certificatePem), certificateBody(next.certificatePem)]);
  });

  test("escapes values", () => {
    const xml = buildSpMetadata({
      entityId: 'https://a.test/?x=1&y="2"',
      acsUrl: "https://a.test/acs",
      signingCertificatesPem: [active.certificatePem],
    });
    expect(parseXmlStrict(xml).documentElement!.getAttribute("entityID")).toBe('https://a.test/?x=1&y="2"');
  });
});

describe("parseIdpMetadata", () => {
  const idpXml = (extraKey = "") =>
    createDevIdp({
      entityId: "https://idp.example.test/metadata",
      privateKeyPem: active.privateKeyPem,
      certificatePem: active.certificatePem,
    })
      .metadataXml("https://idp.example.test/sso", "https://idp.example.test/slo")
      .replace("<md:SingleLogoutService", `${extraKey}<md:SingleLogoutService`);

  test("entity ID, SSO URLs per binding, SLO URL and certificate details", () => {
    const r = parseIdpMetadata(idpXml());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.metadata).toMatchObject({
      entityId: "https://idp.example.test/metadata",
      ssoUrlRedirect: "https://idp.example.test/sso",
      ssoUrlPost: "https://idp.example.test/sso",
      sloUrl: "https://idp.example.test/slo",
    });
    expect(r.metadata.certificates).toHaveLength(1);
    expect(r.metadata.certificates[0]).toEqual(parseCertificate(active.certificatePem));
    expect(r.metadata.certificates[0].subject).toBe("CN=acme active");
  });

  test("all signing certificates (rotation), skipping encryption keys and duplicates", () => {
    const kd = (use: string | null, pem: string) =>
      `<md:KeyDescriptor${use ? ` use="${use}"` : ""}><ds:KeyInfo><ds:X509Data><ds:X509Certificate>\n${certificateBody(pem).replace(/(.{64})/g, "$1\n")}\n</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`;
    const third = generateSpKeyPair({ commonName: "enc only" });
    const r = parseIdpMetadata(
      idpXml(kd(null, next.certificatePem) + kd("encryption", third.certificatePem) + kd("signing", active.certificatePem)),
    );
    expect(r.ok && r.metadata.certificates.map((c) => c.subject)).toEqual(["CN=acme active", "CN=acme next"]);
  });

  test("EntitiesDescriptor with one IdP", () => {
    const inner = idpXml().replace(/^<\?xml[^>]*\?>\s*/, "");
    const r = parseIdpMetadata(`<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">${inner}</md:EntitiesDescriptor>`);
    expect(r.ok).toBe(true);
  });

  test.each([
    ["not XML", "this is not xml"],
    ["empty", ""],
    ["unclosed", "<md:EntityDescriptor xmlns:md='urn:oasis:names:tc:SAML:2.0:metadata'>"],
    [
      "SP metadata (no IDPSSODescriptor)",
      "<md:EntityDescriptor xmlns:md='urn:oasis:names:tc:SAML:2.0:metadata' entityID='x'><md:SPSSODescriptor/></md:EntityDescriptor>",
    ],
  ])("invalid: %s", (_n, xml) => {
    const r = parseIdpMetadata(xml);
    expect(r).toMatchObject({ ok: false, code: "SAML_METADATA_INVALID" });
    if (!r.ok) expect(typeof r.detail.reason).toBe("string");
  });

  test("DOCTYPE / entity declarations are refused", () => {
    const xml = idpXml().replace(
      "<md:EntityDescriptor",
      '<!DOCTYPE md:EntityDescriptor [<!ENTITY x SYSTEM "file:///etc/passwd">]><md:EntityDescriptor',
    );
    const r = parseIdpMetadata(xml);
    expect(r).toMatchObject({ ok: false, code: "SAML_METADATA_INVALID" });
    if (!r.ok) expect(String(r.detail.reason)).toMatch(/DOCTYPE/);
  });

  test("no signing certificate / broken certificate / no SSO service", () => {
    const noCert = idpXml().replace(/<md:KeyDescriptor[^]*?<\/md:KeyDescriptor>/, "");
    expect(parseIdpMetadata(noCert)).toMatchObject({ ok: false, detail: { entityId: "https://idp.example.test/metadata" } });
    const badCert = idpXml().replace(/<ds:X509Certificate>[^<]+/, "<ds:X509Certificate>AAAA");
    expect(parseIdpMetadata(badCert).ok).toBe(false);
    const noSso = idpXml().replace(/<md:SingleSignOnService[^>]*\/>/g, "");
    expect(parseIdpMetadata(noSso).ok).toBe(false);
  });
});

describe("certificates", () => {
  test("generateSpKeyPair: RSA 2048, self-signed SHA-256, CN and validity", async () => {
    const crypto = await import("node:crypto");
    const now = new Date("2026-03-10T12:00:00Z");
    const kp = generateSpKeyPair({ commonName: "Gatehouse SP acme", validDays: 365, now });
    const x509 = new crypto.X509Certificate(kp.certificatePem);
    expect(x509.subject).toBe("CN=Gatehouse SP acme");
    expect(x509.issuer).toBe(x509.subject);
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(x509.publicKey.asymmetricKeyDetails?.modulusLength).toBeGreaterThanOrEqual(2048);
    expect(x509.checkPrivateKey(crypto.createPrivateKey(kp.privateKeyPem))).toBe(true);
    expect(kp.notAfter.toISOString()).toBe("2027-03-10T12:00:00.000Z");
    expect(new Date(x509.validTo).getTime()).toBe(kp.notAfter.getTime());
    const forge = (await import("node-forge")).default;
    expect(forge.pki.certificateFromPem(kp.certificatePem).siginfo.algorithmOid).toBe(forge.pki.oids.sha256WithRSAEncryption);
  });

  test("parseCertificate: PEM and bare base64 give the same info; garbage throws", () => {
    const a = parseCertificate(active.certificatePem);
    const b = parseCertificate(certificateBody(active.certificatePem));
    expect(a).toEqual(b);
    expect(a.fingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(Date.parse(a.notAfter)).toBeGreaterThan(Date.parse(a.notBefore));
    expect(() => parseCertificate("garbage")).toThrow();
    expect(() => parseCertificate("")).toThrow();
    expect(() => parseCertificate("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----")).toThrow();
  });
});
