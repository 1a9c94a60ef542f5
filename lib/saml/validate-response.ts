/**
 * validateSamlResponse: one pure function from an HTTP-POST SAMLResponse to a validated identity or a
 * stable SAML_* code. Identity is read only from bytes covered by a verified signature.
 */
import type { Element } from "@xmldom/xmldom";
import { NS, STATUS_SUCCESS } from "./constants";
import { decodeSamlMessage } from "./decode";
import { checkConditions } from "./conditions";
import { checkIssuer, readIdentity } from "./assertion";
import { trustedKeys, verifyEnvelopedSignature, type VerifiedElement } from "./signature";
import { describeCertificates, keyInfoCertificates } from "./signer-certificates";
import { openEncryptedAssertion } from "./encrypted-assertion";
import { attr, child, children, descendants, isNamed, textOf } from "./xml";
import { fail, type ExpectedResponse, type SamlFailure, type ValidateResult } from "./types";

export type ValidateInput = { samlResponse: string; expected: ExpectedResponse; now: Date; maxBytes?: number };

function checkStatus(root: Element): SamlFailure | null {
  const status = child(root, NS.protocol, "Status");
  const code = child(status ?? root, NS.protocol, "StatusCode");
  const value = status ? attr(code, "Value") : null;
  if (value === STATUS_SUCCESS) return null;
  if (!status || !value) return fail("SAML_MALFORMED", { reason: "Response has no Status/StatusCode" });
  const sub = code ? attr(child(code, NS.protocol, "StatusCode"), "Value") : null;
  const message = textOf(child(status, NS.protocol, "StatusMessage"));
  return fail("SAML_STATUS_NOT_SUCCESS", {
    expected: STATUS_SUCCESS,
    statusCode: value,
    subStatusCode: sub,
    statusMessage: message ? message.slice(0, 200) : null,
  });
}

type Located = { ok: true; root: Element; assertion: Element; xml: string };
type LocatedEncrypted = { ok: true; root: Element; encrypted: Element; xml: string };

/** Decode, check the envelope and locate the single assertion (unsigned document: structure only). */
function locate(samlResponse: string, maxBytes?: number): Located | LocatedEncrypted | SamlFailure {
  const decoded = decodeSamlMessage(samlResponse, maxBytes);
  if (!decoded.ok) return decoded;
  const root = decoded.doc.documentElement as Element;
  if (!isNamed(root, NS.protocol, "Response")) return fail("SAML_MALFORMED", { expected: "samlp:Response", actual: root.localName });
  if (attr(root, "Version") !== "2.0" || !attr(root, "ID"))
    return fail("SAML_MALFORMED", { reason: "Response needs Version 2.0 and an ID" });
  const statusFailure = checkStatus(root);
  if (statusFailure) return statusFailure;
  // Count every element named Assertion or EncryptedAssertion anywhere (Extensions, Advice, inside
  // signatures, any namespace), before anything is decrypted.
  const assertions = descendants(root, "Assertion");
  const encrypted = descendants(root, "EncryptedAssertion");
  if (encrypted.length > 0) {
    if (encrypted.length + assertions.length > 1)
      return fail("SAML_MULTIPLE_ASSERTIONS", { expected: 1, actual: encrypted.length + assertions.length, encrypted: encrypted.length });
    if (encrypted[0].namespaceURI !== NS.assertion || encrypted[0].parentNode !== root)
      return fail("SAML_NO_ASSERTION", { reason: "the encrypted assertion must be a direct child of the Response" });
    return { ok: true, root, encrypted: encrypted[0], xml: decoded.xml };
  }
  if (assertions.length === 0) return fail("SAML_NO_ASSERTION", {});
  if (assertions.length > 1) return fail("SAML_MULTIPLE_ASSERTIONS", { expected: 1, actual: assertions.length });
  const assertion = assertions[0];
  if (assertion.namespaceURI !== NS.assertion || assertion.parentNode !== root) {
    return fail("SAML_NO_ASSERTION", {
      reason: "the assertion must be a direct child of the Response",
      actual: (assertion.parentNode as Element | null)?.localName ?? null,
    });
  }
  return { ok: true, root, assertion, xml: decoded.xml };
}

type Signed = { ok: true; assertion: Element; response: Element | null; responseSigned: boolean };

/** Verify the Response and/or Assertion signature; returns elements parsed from the signed bytes. */
function verifySignatures(located: Located, certsPem: string[], allowSha1: boolean): Signed | SamlFailure {
  const { root, assertion, xml } = located;
  const responseSigs = children(root, NS.dsig, "Signature");
  const assertionSigs = children(assertion, NS.dsig, "Signature");
  if (responseSigs.length > 1 || assertionSigs.length > 1)
    return fail("SAML_SIGNATURE_INVALID", { reason: "more than one Signature on one element" });
  if (responseSigs.length === 0 && assertionSigs.length === 0) {
    if (descendants(root, "Signature", NS.dsig).length > 0) {
      return fail("SAML_SIGNATURE_INVALID", { reason: "the signature is not on the Response or the Assertion" });
    }
    return fail("SAML_SIGNATURE_MISSING", {});
  }
  const keys = trustedKeys(certsPem);
  let signedResponse: VerifiedElement | null = null;
  let signedAssertion: VerifiedElement | null = null;
  if (responseSigs.length === 1) {
    const r = verifyEnvelopedSignature(xml, root, responseSigs[0], keys, allowSha1);
    if (!r.ok) return r;
    signedResponse = r;
  }
  if (assertionSigs.length === 1) {
    const r = verifyEnvelopedSignature(xml, assertion, assertionSigs[0], keys, allowSha1);
    if (!r.ok) return r;
    signedAssertion = r;
  }
  if (signedAssertion)
    return { ok: true, assertion: signedAssertion.element, response: signedResponse?.element ?? null, responseSigned: !!signedResponse };
  const response = signedResponse!.element;
  const inSigned = descendants(response, "Assertion");
  const direct = children(response, NS.assertion, "Assertion");
  if (inSigned.length !== 1 || direct.length !== 1)
    return fail("SAML_SIGNATURE_INVALID", { reason: "the signed Response does not hold exactly one assertion" });
  return { ok: true, assertion: direct[0], response, responseSigned: true };
}

/** Only the signature check (for the benchmark's overhead ratio). */
export function verifyResponseSignatureOnly(samlResponseBase64: string, certsPem: string[], allowSha1 = false): { ok: true } | SamlFailure {
  try {
    const located = locate(samlResponseBase64);
    if (!located.ok) return located;
    if (!("assertion" in located)) return fail("SAML_ENCRYPTED_UNSUPPORTED", {});
    const signed = verifySignatures(located, certsPem, allowSha1);
    return signed.ok ? { ok: true } : signed;
  } catch {
    return fail("SAML_MALFORMED", { reason: "unexpected error while reading the response" });
  }
}

/**
 * A signature that did not verify: the configured certificates beside the ones the response's KeyInfo
 * names (read without trusting them, for the admin to compare: display only).
 */
function withCertificates(f: SamlFailure, located: Located | LocatedEncrypted, certsPem: string[]): SamlFailure {
  if (f.code !== "SAML_SIGNATURE_INVALID") return f;
  return {
    ...f,
    detail: {
      ...f.detail,
      expectedCertificates: describeCertificates(certsPem),
      actualCertificates: keyInfoCertificates(located.root),
    },
  };
}

function validate(input: ValidateInput): ValidateResult {
  const { expected } = input;
  const located = locate(input.samlResponse, input.maxBytes);
  if (!located.ok) return located;
  if ("assertion" in located && expected.requireEncryptedAssertions) return fail("SAML_ENCRYPTION_REQUIRED", {});
  // An encrypted assertion is decrypted here, and only here; from then on it is read like a plain one.
  const signed =
    "assertion" in located
      ? verifySignatures(located, expected.idpCertificatesPem, expected.allowSha1)
      : openEncryptedAssertion(located, expected);
  if (!signed.ok) return withCertificates(signed, located, expected.idpCertificatesPem);
  const r = validateSigned(input, located, signed);
  return r.ok ? r : { ...r, signatureVerified: true };
}

/** Everything after a verified signature: a failure here was sent by the configured IdP. */
function validateSigned(input: ValidateInput, located: Located | LocatedEncrypted, signed: Signed): ValidateResult {
  const { expected, now } = input;
  // Response-level values: from the signed Response when it is signed, else from the document (cross-checks only).
  const response = signed.response ?? located.root;
  const identity = readIdentity(signed.assertion);
  if (!identity.ok) return identity;
  const issuerFailure =
    checkIssuer(signed.assertion, expected.idpEntityId, "Assertion", true) ??
    checkIssuer(response, expected.idpEntityId, "Response", false);
  if (issuerFailure) return issuerFailure;
  const destination = attr(response, "Destination");
  if (destination !== null && destination !== expected.acsUrl) {
    return fail("SAML_DESTINATION_MISMATCH", { expected: expected.acsUrl, actual: destination });
  }
  const conditions = checkConditions(signed.assertion, expected, now);
  if (!conditions.ok) return conditions;
  // InResponseTo: the signed SubjectConfirmationData's. An IdP that puts it only on the Response is
  // accepted when the Response itself is signed (then the value is covered by a signature too).
  const responseInResponseTo = attr(response, "InResponseTo") || null;
  let inResponseTo = conditions.inResponseTo;
  if (responseInResponseTo !== null && inResponseTo === null && signed.responseSigned) {
    inResponseTo = responseInResponseTo;
  } else if (responseInResponseTo !== null && responseInResponseTo !== inResponseTo) {
    return fail("SAML_IN_RESPONSE_TO_INVALID", {
      reason: "Response and SubjectConfirmationData disagree",
      response: responseInResponseTo,
      assertion: conditions.inResponseTo,
    });
  }
  if (!identity.email)
    return fail("SAML_MISSING_EMAIL", {
      nameIdFormat: identity.nameIdFormat,
      attributeNames: Object.keys(identity.attributes).slice(0, 20),
    });
  const { ok: _ok, ...rest } = identity;
  return { ok: true, assertion: { ...rest, inResponseTo, notOnOrAfter: conditions.notOnOrAfter } };
}

export function validateSamlResponse(input: ValidateInput): ValidateResult {
  try {
    return validate(input);
  } catch {
    return fail("SAML_MALFORMED", { reason: "unexpected error while reading the response" });
  }
}
