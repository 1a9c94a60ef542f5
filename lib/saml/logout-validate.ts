/**
 * validateLogoutMessage: one pure function from what arrived at the SP's single logout endpoint
 * (HTTP-Redirect query or HTTP-POST form) to a verified LogoutRequest or LogoutResponse, or a stable
 * SAML_SLO_* code. Same strictness as the ACS: size caps, no DTDs, a signature by one of the IdP's
 * certificates with allowlisted algorithms (the query signature, or an enveloped signature on the root
 * whose signed bytes are the only ones read), exact Issuer and Destination, and a time window.
 */
import type { Element } from "@xmldom/xmldom";
import type { ErrorCode } from "@/lib/errors";
import { DEFAULT_MAX_BYTES, NS } from "./constants";
import { decodeSamlMessage } from "./decode";
import { verifyRedirectMessage } from "./redirect-binding";
import { trustedKeys, verifyEnvelopedSignature } from "./signature";
import { attr, child, children, descendants, elementChildren, ownText, parseXmlStrict, textOf, XmlParseError } from "./xml";
import { fail, type SamlFailure } from "./types";

/** How long after its IssueInstant a logout message is accepted (plus the clock skew). */
export const LOGOUT_MESSAGE_MAX_AGE_SECONDS = 5 * 60;

export type ExpectedLogout = {
  idpEntityId: string;
  /** This connection's SP single logout URL: the Destination must equal it exactly. */
  spSloUrl: string;
  idpCertificatesPem: string[];
  allowSha1: boolean;
  clockSkewSeconds: number;
};

export type IncomingLogout =
  | { binding: "redirect"; rawQuery: string }
  | { binding: "post"; samlRequest: string | null; samlResponse: string | null; relayState: string | null };

export type VerifiedLogoutRequest = {
  kind: "LogoutRequest";
  id: string;
  issuer: string;
  issueInstant: Date;
  nameId: string;
  nameIdFormat: string | null;
  nameQualifier: string | null;
  spNameQualifier: string | null;
  sessionIndexes: string[];
  /** Keep the replay record until at least this instant. */
  acceptedUntil: Date;
};

export type VerifiedLogoutResponse = {
  kind: "LogoutResponse";
  id: string;
  issuer: string;
  inResponseTo: string;
  statusCode: string;
  subStatusCode: string | null;
  statusMessage: string | null;
};

export type LogoutValidation =
  | { ok: true; message: VerifiedLogoutRequest | VerifiedLogoutResponse; relayState: string | null; binding: "redirect" | "post" }
  | SamlFailure;

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const MAX_ID = 256;

/** The ACS's codes as the single logout endpoint's own (their hints speak of logout). */
const SLO_CODE: Partial<Record<ErrorCode, ErrorCode>> = {
  SAML_MALFORMED: "SAML_SLO_MALFORMED",
  SAML_DOCTYPE_FORBIDDEN: "SAML_SLO_MALFORMED",
  SAML_BODY_TOO_LARGE: "SAML_SLO_TOO_LARGE",
  SAML_SIGNATURE_INVALID: "SAML_SLO_SIGNATURE_INVALID",
  SAML_SIGNATURE_MISSING: "SAML_SLO_SIGNATURE_MISSING",
  SAML_WEAK_ALGORITHM: "SAML_SLO_WEAK_ALGORITHM",
};
const asSlo = (f: SamlFailure): SamlFailure => ({ ...f, code: SLO_CODE[f.code] ?? f.code });

function instant(value: string | null): Date | null {
  if (!value || !ISO_INSTANT.test(value)) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

type Parsed = { root: Element; relayState: string | null; binding: "redirect" | "post"; param: "SAMLRequest" | "SAMLResponse" };

/** Verify the signature of either binding; the returned root is read only from signed bytes. */
function verified(input: IncomingLogout, expected: ExpectedLogout, maxBytes: number): Parsed | SamlFailure {
  const keys = trustedKeys(expected.idpCertificatesPem);
  if (input.binding === "redirect") {
    const m = verifyRedirectMessage(input.rawQuery, keys, { allowSha1: expected.allowSha1, maxBytes });
    if (!m.ok) return m;
    let root: Element;
    try {
      root = parseXmlStrict(m.xml).documentElement as Element;
    } catch (e) {
      return fail("SAML_SLO_MALFORMED", {
        reason: e instanceof XmlParseError && e.reason === "doctype" ? "DTD present" : "XML is not well-formed",
      });
    }
    return { root, relayState: m.relayState, binding: "redirect", param: m.param };
  }
  if ((input.samlRequest === null) === (input.samlResponse === null))
    return fail("SAML_SLO_MALFORMED", { reason: "send exactly one of SAMLRequest or SAMLResponse" });
  const param = input.samlRequest !== null ? "SAMLRequest" : "SAMLResponse";
  if (input.relayState !== null && input.relayState.length > 1024)
    return fail("SAML_SLO_MALFORMED", { reason: "RelayState is longer than 1024 characters" });
  const decoded = decodeSamlMessage(input.samlRequest ?? input.samlResponse, maxBytes);
  if (!decoded.ok) return asSlo(decoded);
  const root = decoded.doc.documentElement as Element;
  const sigs = children(root, NS.dsig, "Signature");
  if (sigs.length === 0) {
    const elsewhere = descendants(root, "Signature", NS.dsig).length > 0;
    return elsewhere
      ? fail("SAML_SLO_SIGNATURE_INVALID", { reason: "the signature is not on the logout message itself" })
      : fail("SAML_SLO_SIGNATURE_MISSING", { binding: "HTTP-POST" });
  }
  if (sigs.length > 1) return fail("SAML_SLO_SIGNATURE_INVALID", { reason: "more than one Signature on the message" });
  const v = verifyEnvelopedSignature(decoded.xml, root, sigs[0], keys, expected.allowSha1);
  if (!v.ok) return asSlo(v);
  return { root: v.element, relayState: input.relayState, binding: "post", param };
}

function checkEnvelope(root: Element, expected: ExpectedLogout, now: Date): { id: string; issueInstant: Date } | SamlFailure {
  const id = attr(root, "ID");
  if (attr(root, "Version") !== "2.0" || !id || id.length > MAX_ID)
    return fail("SAML_SLO_MALFORMED", { reason: "the message needs Version 2.0 and an ID of at most 256 characters" });
  const issuers = children(root, NS.assertion, "Issuer");
  const issuer = issuers.length === 1 ? textOf(issuers[0]) : null;
  if (issuer !== expected.idpEntityId) return fail("SAML_SLO_WRONG_ISSUER", { expected: expected.idpEntityId, actual: issuer });
  const destination = attr(root, "Destination");
  if (destination !== expected.spSloUrl) return fail("SAML_SLO_DESTINATION_MISMATCH", { expected: expected.spSloUrl, actual: destination });
  const issueInstant = instant(attr(root, "IssueInstant"));
  if (!issueInstant) return fail("SAML_SLO_MALFORMED", { reason: "IssueInstant is missing or not an ISO 8601 dateTime" });
  const skewMs = Math.max(0, expected.clockSkewSeconds) * 1000;
  const age = now.getTime() - issueInstant.getTime();
  if (age > LOGOUT_MESSAGE_MAX_AGE_SECONDS * 1000 + skewMs || age < -skewMs) {
    return fail("SAML_SLO_EXPIRED", {
      issueInstant: issueInstant.toISOString(),
      now: now.toISOString(),
      maxAgeSeconds: LOGOUT_MESSAGE_MAX_AGE_SECONDS,
      clockSkewSeconds: skewMs / 1000,
    });
  }
  return { id, issueInstant };
}

function readRequest(root: Element, env: { id: string; issueInstant: Date }, expected: ExpectedLogout, now: Date) {
  const skewMs = Math.max(0, expected.clockSkewSeconds) * 1000;
  const notOnOrAfterRaw = attr(root, "NotOnOrAfter");
  const notOnOrAfter = notOnOrAfterRaw === null ? null : instant(notOnOrAfterRaw);
  if (notOnOrAfterRaw !== null && !notOnOrAfter) return fail("SAML_SLO_MALFORMED", { reason: "NotOnOrAfter is not an ISO 8601 dateTime" });
  if (notOnOrAfter && now.getTime() - skewMs >= notOnOrAfter.getTime())
    return fail("SAML_SLO_EXPIRED", { notOnOrAfter: notOnOrAfter.toISOString(), now: now.toISOString() });
  if (descendants(root, "EncryptedID").length > 0)
    return fail("SAML_SLO_MALFORMED", { reason: "an encrypted NameID (EncryptedID) is not supported; send a plain NameID" });
  const nameIds = children(root, NS.assertion, "NameID");
  if (nameIds.length !== 1)
    return fail("SAML_SLO_MALFORMED", { reason: "the LogoutRequest must name exactly one NameID", actual: nameIds.length });
  const nameId = ownText(nameIds[0])?.trim() ?? "";
  if (!nameId || nameId.length > 1024) return fail("SAML_SLO_MALFORMED", { reason: "NameID is empty, too long or not plain text" });
  const sessionIndexes: string[] = [];
  for (const el of children(root, NS.protocol, "SessionIndex")) {
    const v = textOf(el);
    if (!v || v.length > 1024) return fail("SAML_SLO_MALFORMED", { reason: "a SessionIndex is empty or too long" });
    sessionIndexes.push(v);
  }
  if (sessionIndexes.length > 50) return fail("SAML_SLO_MALFORMED", { reason: "more than 50 SessionIndex elements" });
  const windowEnd = env.issueInstant.getTime() + LOGOUT_MESSAGE_MAX_AGE_SECONDS * 1000 + skewMs;
  const acceptedUntil = new Date(Math.max(windowEnd, notOnOrAfter ? notOnOrAfter.getTime() + skewMs : 0));
  const message: VerifiedLogoutRequest = {
    kind: "LogoutRequest",
    id: env.id,
    issuer: expected.idpEntityId,
    issueInstant: env.issueInstant,
    nameId,
    nameIdFormat: attr(nameIds[0], "Format"),
    nameQualifier: attr(nameIds[0], "NameQualifier"),
    spNameQualifier: attr(nameIds[0], "SPNameQualifier"),
    sessionIndexes,
    acceptedUntil,
  };
  return message;
}

function readResponse(root: Element, env: { id: string }, expected: ExpectedLogout): VerifiedLogoutResponse | SamlFailure {
  const inResponseTo = attr(root, "InResponseTo");
  if (!inResponseTo || inResponseTo.length > MAX_ID)
    return fail("SAML_SLO_IN_RESPONSE_TO_INVALID", { reason: "the LogoutResponse has no InResponseTo" });
  const status = child(root, NS.protocol, "Status");
  const code = status ? child(status, NS.protocol, "StatusCode") : null;
  const value = attr(code, "Value");
  if (!value) return fail("SAML_SLO_MALFORMED", { reason: "the LogoutResponse has no Status/StatusCode" });
  const sub = code ? attr(child(code, NS.protocol, "StatusCode"), "Value") : null;
  const message = status ? textOf(child(status, NS.protocol, "StatusMessage")) : null;
  return {
    kind: "LogoutResponse",
    id: env.id,
    issuer: expected.idpEntityId,
    inResponseTo,
    statusCode: value.slice(0, 200),
    subStatusCode: sub ? sub.slice(0, 200) : null,
    statusMessage: message ? message.slice(0, 200) : null,
  };
}

function validate(input: IncomingLogout, expected: ExpectedLogout, now: Date, maxBytes: number): LogoutValidation {
  const v = verified(input, expected, maxBytes);
  if (!("root" in v)) return v;
  const { root } = v;
  const wanted = v.param === "SAMLRequest" ? "LogoutRequest" : "LogoutResponse";
  if (root.namespaceURI !== NS.protocol || root.localName !== wanted)
    return fail("SAML_SLO_MALFORMED", { expected: `samlp:${wanted}`, actual: root.localName });
  if (elementChildren(root).length > 60) return fail("SAML_SLO_MALFORMED", { reason: "too many elements" });
  const env = checkEnvelope(root, expected, now);
  if ("ok" in env) return env;
  const message = wanted === "LogoutRequest" ? readRequest(root, env, expected, now) : readResponse(root, env, expected);
  if ("ok" in message) return message;
  return { ok: true, message, relayState: v.relayState, binding: v.binding };
}

export function validateLogoutMessage(input: {
  incoming: IncomingLogout;
  expected: ExpectedLogout;
  now: Date;
  maxBytes?: number;
}): LogoutValidation {
  try {
    return validate(input.incoming, input.expected, input.now, input.maxBytes ?? DEFAULT_MAX_BYTES);
  } catch {
    return fail("SAML_SLO_MALFORMED", { reason: "unexpected error while reading the logout message" });
  }
}
