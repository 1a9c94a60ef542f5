/**
 * Canonicalization choices of other IdP implementations: inclusive C14N 1.0 (SignedInfo and/or the
 * reference transform) is a standard XML-DSig choice and must verify, and still detects edits.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { signResponseXml } from "@/lib/dev-idp";
import { validateSamlResponse } from "./index";
import { NOW, ACS_URL, SP_ENTITY_ID, createScenario, type Scenario } from "./fixtures/scenario";

const INCLUSIVE = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
const ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
const EXCLUSIVE = "http://www.w3.org/2001/10/xml-exc-c14n#";

let s: Scenario;
beforeAll(() => {
  s = createScenario();
});

function signed(mode: "assertion" | "response" | "both", canonicalization: string, transforms: string[]): string {
  const xml = s.idp.createResponseXml({
    acsUrl: ACS_URL,
    audience: SP_ENTITY_ID,
    nameId: "jane.doe@acme.test",
    inResponseTo: "_req-123",
    now: NOW,
    sign: "none",
  });
  return Buffer.from(
    signResponseXml(xml, { mode, privateKeyPem: s.idp.privateKeyPem, certificatePem: s.idp.certificatePem, canonicalization, transforms }),
  ).toString("base64");
}

const validate = (samlResponse: string) => validateSamlResponse({ samlResponse, expected: s.expected, now: NOW });

describe("canonicalization interop", () => {
  // (Both signed with an inclusive SignedInfo is left out: xml-crypto, the signer here, cannot verify
  // its own output for the inner signature, so that case has no trustworthy fixture.)
  for (const mode of ["assertion", "response"] as const) {
    it(`inclusive C14N 1.0 for SignedInfo and the reference (${mode} signed) verifies`, () => {
      const r = validate(signed(mode, INCLUSIVE, [ENVELOPED, INCLUSIVE]));
      expect(r.ok ? "OK" : r.code).toBe("OK");
      if (r.ok) expect(r.assertion.email).toBe("jane.doe@acme.test");
    });
  }

  for (const mode of ["assertion", "both"] as const) {
    it(`exclusive SignedInfo with an inclusive reference transform (${mode} signed) verifies`, () => {
      const r = validate(signed(mode, EXCLUSIVE, [ENVELOPED, INCLUSIVE]));
      expect(r.ok ? "OK" : r.code).toBe("OK");
    });
  }

  it("enveloped transform alone (C14N 1.0 implied) verifies", () => {
    const r = validate(signed("assertion", EXCLUSIVE, [ENVELOPED]));
    expect(r.ok ? "OK" : r.code).toBe("OK");
  });

  it("an inclusively signed assertion edited after signing is refused", () => {
    const b64 = signed("assertion", INCLUSIVE, [ENVELOPED, INCLUSIVE]);
    const edited = Buffer.from(Buffer.from(b64, "base64").toString("utf8").replace("jane.doe@acme.test", "ceo@acme.test")).toString(
      "base64",
    );
    const r = validate(edited);
    expect(r.ok ? "OK" : r.code).toBe("SAML_SIGNATURE_INVALID");
  });
});
