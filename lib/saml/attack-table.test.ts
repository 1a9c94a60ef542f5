/**
 * The attack table: one row per hostile response, each built from real signed XML (dev IdP) and
 * mutated after signing where the attack needs it. Every row asserts the stable code.
 */
import type { Element } from "@xmldom/xmldom";
import { beforeAll, describe, expect, test } from "vitest";
import * as attacks from "@/lib/dev-idp/attacks";
import { validateSamlResponse } from "./index";
import type { ExpectedResponse } from "./types";
import { NOW, SP_ENTITY_ID, ACS_URL, createScenario, type Scenario } from "./fixtures/scenario";

let s: Scenario;
beforeAll(() => {
  s = createScenario();
});

const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);
const seconds = (n: number) => new Date(NOW.getTime() + n * 1000);

type Row = {
  name: string;
  build: (s: Scenario) => string;
  code: string | "OK";
  expected?: (e: ExpectedResponse) => ExpectedResponse;
  maxBytes?: number;
  /** extra checks for accepted rows */
  check?: (a: Extract<ReturnType<typeof validateSamlResponse>, { ok: true }>["assertion"]) => void;
};

/** A signed response with an element appended after the assertion, given the assertion's ID by `mark`. */
const trailerWithSignedId = (s: Scenario, mark: (trailer: Element, id: string) => void) =>
  attacks.mutateDom(s.response(), (d, root) => {
    const trailer = d.createElementNS("urn:x", "x:Trailer");
    mark(trailer, root.getElementsByTagName("saml:Assertion")[0].getAttribute("ID")!);
    root.appendChild(trailer);
  });

const rows: Row[] = [
  // ── signatures ────────────────────────────────────────────────────────────
  { name: "unsigned", build: (s) => s.response({ sign: "none" }), code: "SAML_SIGNATURE_MISSING" },
  {
    name: "signatures stripped after signing",
    build: (s) => attacks.stripSignatures(s.response({ sign: "both" })),
    code: "SAML_SIGNATURE_MISSING",
  },
  { name: "signed by another key (assertion)", build: (s) => s.response({ signingKey: s.attacker }), code: "SAML_SIGNATURE_INVALID" },
  {
    name: "signed by another key (response)",
    build: (s) => s.response({ sign: "response", signingKey: s.attacker }),
    code: "SAML_SIGNATURE_INVALID",
  },
  {
    name: "NameID edited after signing (assertion signed)",
    build: (s) => attacks.replaceInXml(s.response(), "jane.doe@acme.test", "ceo@acme.test"),
    code: "SAML_SIGNATURE_INVALID",
  },
  {
    name: "NameID edited after signing (response signed)",
    build: (s) => attacks.replaceInXml(s.response({ sign: "response" }), "jane.doe@acme.test", "ceo@acme.test"),
    code: "SAML_SIGNATURE_INVALID",
  },
  {
    name: "attribute edited after signing",
    build: (s) => attacks.replaceInXml(s.response(), ">engineering<", ">owners<"),
    code: "SAML_SIGNATURE_INVALID",
  },
  {
    name: "audience edited after signing",
    build: (s) => attacks.replaceInXml(s.response({ audience: "https://other-sp.test" }), "https://other-sp.test", SP_ENTITY_ID),
    code: "SAML_SIGNATURE_INVALID",
  },
  {
    name: "assertion signature moved to the Response (reference to another element)",
    build: (s) =>
      attacks.mutateDom(s.response(), (_d, root) => {
        const assertion = root.getElementsByTagName("saml:Assertion")[0];
        const sig = assertion.getElementsByTagName("ds:Signature")[0];
        root.insertBefore(sig, assertion);
      }),
    code: "SAML_SIGNATURE_INVALID",
  },
  // ── signature wrapping ────────────────────────────────────────────────────
  {
    name: "wrapping: forged assertion before the signed one",
    build: (s) => attacks.wrapWithForgedAssertion(s.response(), "before"),
    code: "SAML_MULTIPLE_ASSERTIONS",
  },
  {
    name: "wrapping: forged assertion after the signed one",
    build: (s) => attacks.wrapWithForgedAssertion(s.response(), "after"),
    code: "SAML_MULTIPLE_ASSERTIONS",
  },
  {
    name: "wrapping: forged assertion around the signed one",
    build: (s) => attacks.wrapWithForgedAssertion(s.response(), "around"),
    code: "SAML_MULTIPLE_ASSERTIONS",
  },
  {
    name: "wrapping: signed assertion in a forged assertion's Advice",
    build: (s) => attacks.wrapWithForgedAssertion(s.response(), "advice"),
    code: "SAML_MULTIPLE_ASSERTIONS",
  },
  {
    name: "wrapping: signed assertion moved into Extensions, forged in place",
    build: (s) => attacks.moveSignedIntoExtensions(s.response(), true),
    code: "SAML_MULTIPLE_ASSERTIONS",
  },
  {
    name: "wrapping: signed assertion moved into Extensions alone",
    build: (s) => attacks.moveSignedIntoExtensions(s.response(), false),
    code: "SAML_NO_ASSERTION",
  },
  {
    name: "wrapping: forged unsigned assertion, signed one hidden in StatusDetail",
    build: (s) => attacks.forgedWithSignedElsewhere(s.response()),
    code: "SAML_MULTIPLE_ASSERTIONS",
  },
  {
    name: "wrapping: forged assertion before, response signed",
    build: (s) => attacks.wrapWithForgedAssertion(s.response({ sign: "response" }), "before"),
    code: "SAML_MULTIPLE_ASSERTIONS",
  },
  {
    name: "wrapping: assertion swapped for a forged one, response signed",
    build: (s) =>
      attacks.mutateDom(s.response({ sign: "response" }), (_d, root) => {
        const nameId = root.getElementsByTagName("saml:NameID")[0];
        nameId.firstChild!.nodeValue = "ceo@acme.test";
      }),
    code: "SAML_SIGNATURE_INVALID",
  },
  {
    // The referenced element must be the only one carrying its ID (the lookup is ours: signed-xml-lookups.ts).
    // The copy comes after the signed assertion, so a first-match lookup alone would still verify.
    name: "wrapping: an element after the signed assertion carries its ID",
    build: (s) => trailerWithSignedId(s, (trailer, id) => trailer.setAttribute("ID", id)),
    code: "SAML_SIGNATURE_INVALID",
  },
  {
    name: "wrapping: a namespaced attribute named ID after the signed assertion carries its ID",
    build: (s) => trailerWithSignedId(s, (trailer, id) => trailer.setAttributeNS("urn:x", "x:ID", id)),
    code: "SAML_SIGNATURE_INVALID",
  },
  {
    name: "two assertions (signed one duplicated)",
    build: (s) => attacks.duplicateAssertion(s.response()),
    code: "SAML_MULTIPLE_ASSERTIONS",
  },
  { name: "encrypted assertion", build: (s) => attacks.encryptAssertion(s.response()), code: "SAML_ENCRYPTED_UNSUPPORTED" },
  // ── NameID injection ──────────────────────────────────────────────────────
  {
    // The signed value is user@victim.test.evil.test; a naive reader stops at the comment and sees user@victim.test.
    name: "comment injection in NameID → whole canonical text is read (no truncation)",
    build: (s) => attacks.injectCommentInNameId(s.response({ nameId: "user@victim.test.evil.test" }), "user@victim.test".length),
    code: "OK",
    check: (a) => {
      expect(a.nameId).toBe("user@victim.test.evil.test");
      expect(a.email).toBe("user@victim.test.evil.test");
    },
  },
  {
    name: "comment injection in NameID, response signed",
    build: (s) =>
      attacks.injectCommentInNameId(s.response({ sign: "response", nameId: "user@victim.test.evil.test" }), "user@victim.test".length),
    code: "OK",
    check: (a) => expect(a.nameId).toBe("user@victim.test.evil.test"),
  },
  {
    name: "processing-instruction injection in NameID (c14n keeps PIs → digest breaks)",
    build: (s) =>
      attacks.injectProcessingInstructionInNameId(s.response({ nameId: "user@victim.test.evil.test" }), "user@victim.test".length),
    code: "SAML_SIGNATURE_INVALID",
  },
  // ── validity windows ──────────────────────────────────────────────────────
  {
    name: "expired (Conditions NotOnOrAfter past, beyond skew)",
    build: (s) => s.response({ notBefore: minutes(-20), notOnOrAfter: minutes(-10) }),
    code: "SAML_EXPIRED",
  },
  {
    name: "expired (SubjectConfirmationData NotOnOrAfter past)",
    build: (s) => s.response({ subjectNotOnOrAfter: minutes(-5) }),
    code: "SAML_EXPIRED",
  },
  {
    name: "expired 60 s ago, within 120 s skew → accepted",
    build: (s) => s.response({ notBefore: minutes(-10), notOnOrAfter: seconds(-60) }),
    code: "OK",
  },
  {
    name: "expired exactly at skew boundary",
    build: (s) => s.response({ notBefore: minutes(-10), notOnOrAfter: seconds(-120) }),
    code: "SAML_EXPIRED",
  },
  {
    name: "not yet valid (beyond skew)",
    build: (s) => s.response({ notBefore: minutes(5), notOnOrAfter: minutes(10) }),
    code: "SAML_NOT_YET_VALID",
  },
  {
    name: "not yet valid within skew → accepted",
    build: (s) => s.response({ notBefore: seconds(90), notOnOrAfter: minutes(10) }),
    code: "OK",
  },
  {
    name: "skew 0: 1 s in the future refused",
    build: (s) => s.response({ notBefore: seconds(1) }),
    code: "SAML_NOT_YET_VALID",
    expected: (e) => ({ ...e, clockSkewSeconds: 0 }),
  },
  { name: "missing Conditions", build: (s) => s.response({ omit: ["conditions"] }), code: "SAML_MISSING_CONDITIONS" },
  { name: "missing Conditions NotBefore", build: (s) => s.response({ omit: ["notBefore"] }), code: "SAML_MISSING_CONDITIONS" },
  { name: "missing Conditions NotOnOrAfter", build: (s) => s.response({ omit: ["notOnOrAfter"] }), code: "SAML_MISSING_CONDITIONS" },
  {
    name: "missing SubjectConfirmationData NotOnOrAfter",
    build: (s) => s.response({ omit: ["subjectNotOnOrAfter"] }),
    code: "SAML_MISSING_CONDITIONS",
  },
  // ── audience / recipient / destination / issuer ───────────────────────────
  { name: "wrong audience", build: (s) => s.response({ audience: "https://other-sp.test/metadata" }), code: "SAML_AUDIENCE_MISMATCH" },
  {
    name: "audience with a suffix (…/acme-evil)",
    build: (s) => s.response({ audience: `${SP_ENTITY_ID}-evil` }),
    code: "SAML_AUDIENCE_MISMATCH",
  },
  { name: "audience prefix (…/acm)", build: (s) => s.response({ audience: SP_ENTITY_ID.slice(0, -1) }), code: "SAML_AUDIENCE_MISMATCH" },
  { name: "audience with trailing slash", build: (s) => s.response({ audience: `${SP_ENTITY_ID}/` }), code: "SAML_AUDIENCE_MISMATCH" },
  { name: "no AudienceRestriction", build: (s) => s.response({ omit: ["audience"] }), code: "SAML_AUDIENCE_MISMATCH" },
  {
    name: "two audiences, one ours → accepted",
    build: (s) => s.response({ audience: ["https://other-sp.test", SP_ENTITY_ID] }),
    code: "OK",
  },
  { name: "wrong recipient", build: (s) => s.response({ recipient: "https://evil.test/acs" }), code: "SAML_RECIPIENT_MISMATCH" },
  {
    name: "recipient of another slug",
    build: (s) => s.response({ recipient: `${SP_ENTITY_ID}-evil/acs` }),
    code: "SAML_RECIPIENT_MISMATCH",
  },
  { name: "missing recipient", build: (s) => s.response({ omit: ["recipient"] }), code: "SAML_RECIPIENT_MISMATCH" },
  { name: "wrong destination", build: (s) => s.response({ destination: "https://evil.test/acs" }), code: "SAML_DESTINATION_MISMATCH" },
  {
    name: "wrong destination, response signed",
    build: (s) => s.response({ sign: "response", destination: `${ACS_URL}x` }),
    code: "SAML_DESTINATION_MISMATCH",
  },
  { name: "destination absent → accepted", build: (s) => s.response({ omit: ["destination"] }), code: "OK" },
  { name: "wrong issuer", build: (s) => s.response({ issuer: "https://evil-idp.test/metadata" }), code: "SAML_WRONG_ISSUER" },
  {
    name: "wrong Response issuer",
    build: (s) => s.response({ responseIssuer: "https://evil-idp.test/metadata" }),
    code: "SAML_WRONG_ISSUER",
  },
  { name: "missing assertion issuer", build: (s) => s.response({ omit: ["assertionIssuer"] }), code: "SAML_WRONG_ISSUER" },
  {
    name: "no bearer subject confirmation",
    build: (s) => s.response({ subjectConfirmationMethod: "urn:oasis:names:tc:SAML:2.0:cm:holder-of-key" }),
    code: "SAML_BEARER_MISSING",
  },
  { name: "no subject confirmation at all", build: (s) => s.response({ omit: ["bearer"] }), code: "SAML_BEARER_MISSING" },
  // ── status, InResponseTo, email ───────────────────────────────────────────
  {
    name: "status not success",
    build: (s) => s.response({ statusCode: "urn:oasis:names:tc:SAML:2.0:status:Responder", sign: "none" }),
    code: "SAML_STATUS_NOT_SUCCESS",
  },
  {
    name: "InResponseTo on Response disagrees with the signed one",
    build: (s) => s.response({ responseInResponseTo: "_other" }),
    code: "SAML_IN_RESPONSE_TO_INVALID",
  },
  {
    name: "InResponseTo only on the (unsigned) Response",
    build: (s) => s.response({ inResponseTo: null, responseInResponseTo: "_req-123" }),
    code: "SAML_IN_RESPONSE_TO_INVALID",
  },
  {
    name: "missing email",
    build: (s) =>
      s.response({
        nameId: "opaque-123",
        nameIdFormat: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
        attributes: { groups: ["x"] },
      }),
    code: "SAML_MISSING_EMAIL",
  },
  // ── parsing / size / DTD ──────────────────────────────────────────────────
  { name: "DOCTYPE", build: (s) => attacks.addDoctype(s.response(), false), code: "SAML_DOCTYPE_FORBIDDEN" },
  { name: "entity declaration", build: (s) => attacks.addDoctype(s.response(), true), code: "SAML_DOCTYPE_FORBIDDEN" },
  {
    name: "lower-case doctype",
    build: (s) => attacks.replaceInXml(attacks.addDoctype(s.response(), false), "<!DOCTYPE", "<!doctype"),
    code: "SAML_DOCTYPE_FORBIDDEN",
  },
  {
    name: "oversized body (validly signed, 300 KB of groups)",
    build: (s) => s.response({ attributes: { groups: Array.from({ length: 3000 }, (_, i) => `group-${i}-${"x".repeat(60)}`) } }),
    code: "SAML_BODY_TOO_LARGE",
  },
  { name: "body over a custom maxBytes", build: (s) => s.response(), code: "SAML_BODY_TOO_LARGE", maxBytes: 1000 },
  { name: "not base64", build: () => "%%%not-base64%%%", code: "SAML_MALFORMED" },
  { name: "not XML", build: () => attacks.encodeResponse("hello <world"), code: "SAML_MALFORMED" },
  {
    name: "not a Response",
    build: () => attacks.encodeResponse(`<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_1" Version="2.0"/>`),
    code: "SAML_MALFORMED",
  },
  {
    name: "no assertion",
    build: (s) => attacks.mutateDom(s.response(), (_d, root) => root.removeChild(root.getElementsByTagName("saml:Assertion")[0])),
    code: "SAML_NO_ASSERTION",
  },
  // ── algorithms ────────────────────────────────────────────────────────────
  { name: "RSA-SHA1 signature refused by default", build: (s) => s.response({ sigAlg: "rsaSha1" }), code: "SAML_WEAK_ALGORITHM" },
  { name: "SHA-1 digest refused by default", build: (s) => s.response({ digestAlg: "sha1" }), code: "SAML_WEAK_ALGORITHM" },
  {
    name: "RSA-SHA1 + SHA-1 accepted with allowSha1",
    build: (s) => s.response({ sigAlg: "rsaSha1", digestAlg: "sha1" }),
    code: "OK",
    expected: (e) => ({ ...e, allowSha1: true }),
  },
  {
    name: "SHA-1 response signature refused by default",
    build: (s) => s.response({ sign: "response", sigAlg: "rsaSha1", digestAlg: "sha1" }),
    code: "SAML_WEAK_ALGORITHM",
  },
];

describe("attack table", () => {
  test.each(rows.map((r) => [r.name, r] as const))("%s", (_name, row) => {
    const expected = row.expected ? row.expected(s.expected) : s.expected;
    const result = validateSamlResponse({ samlResponse: row.build(s), expected, now: NOW, maxBytes: row.maxBytes });
    if (row.code === "OK") {
      expect(result).toMatchObject({ ok: true });
      if (result.ok) row.check?.(result.assertion);
    } else {
      expect(result).toMatchObject({ ok: false, code: row.code });
      // detail holds only small, safe values: never the XML, never key material
      const detail = JSON.stringify(!result.ok ? result.detail : {});
      expect(detail.length).toBeLessThan(2000);
      expect(detail).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE|<saml/);
    }
  });

  test("the wrapping attacks keep a valid signature (they are real attacks, not just broken XML)", () => {
    const wrapped = attacks.moveSignedIntoExtensions(s.response(), false);
    // Same signed assertion put back at the top level verifies again.
    const restored = attacks.mutateDom(wrapped, (_d, root) => {
      const assertion = root.getElementsByTagName("saml:Assertion")[0];
      const ext = assertion.parentNode!;
      root.insertBefore(assertion, ext);
      root.removeChild(ext);
    });
    expect(validateSamlResponse({ samlResponse: restored, expected: s.expected, now: NOW }).ok).toBe(true);
  });

  test("status detail carries the status code", () => {
    const r = validateSamlResponse({
      samlResponse: s.response({ statusCode: "urn:oasis:names:tc:SAML:2.0:status:Requester", sign: "none" }),
      expected: s.expected,
      now: NOW,
    });
    expect(r).toMatchObject({
      ok: false,
      code: "SAML_STATUS_NOT_SUCCESS",
      detail: { statusCode: "urn:oasis:names:tc:SAML:2.0:status:Requester" },
    });
  });

  test("audience mismatch detail shows expected and actual", () => {
    const r = validateSamlResponse({ samlResponse: s.response({ audience: `${SP_ENTITY_ID}-evil` }), expected: s.expected, now: NOW });
    expect(r).toMatchObject({ ok: false, detail: { expected: SP_ENTITY_ID, actual: [`${SP_ENTITY_ID}-evil`] } });
  });
});
