/** Reads identity (issuer, NameID, session index, attributes) from an assertion parsed from signed bytes. */
import type { Element } from "@xmldom/xmldom";
import { NS } from "./constants";
import { readAttributes, resolveEmail, resolveNames } from "./attributes";
import { attr, child, children, ownText, textOf } from "./xml";
import { fail, type SamlFailure } from "./types";

export type AssertionIdentity = {
  ok: true;
  id: string;
  issuer: string;
  nameId: string;
  nameIdFormat: string | null;
  nameQualifier: string | null;
  spNameQualifier: string | null;
  sessionIndex: string | null;
  attributes: Record<string, string[]>;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
};

export function readIssuer(el: Element): string | null {
  const issuers = children(el, NS.assertion, "Issuer");
  if (issuers.length !== 1) return null;
  return textOf(issuers[0]);
}

export function checkIssuer(el: Element, idpEntityId: string, where: string, required: boolean): SamlFailure | null {
  const present = children(el, NS.assertion, "Issuer").length > 0;
  if (!present && !required) return null;
  const issuer = readIssuer(el);
  if (issuer !== idpEntityId) return fail("SAML_WRONG_ISSUER", { where, expected: idpEntityId, actual: issuer });
  return null;
}

export function readIdentity(assertion: Element): AssertionIdentity | SamlFailure {
  const id = attr(assertion, "ID");
  if (!id) return fail("SAML_MALFORMED", { reason: "assertion has no ID" });
  if (attr(assertion, "Version") !== "2.0")
    return fail("SAML_MALFORMED", { reason: "assertion Version must be 2.0", actual: attr(assertion, "Version") });
  const subject = child(assertion, NS.assertion, "Subject");
  const nameIds = subject ? children(subject, NS.assertion, "NameID") : [];
  if (nameIds.length !== 1)
    return fail("SAML_MALFORMED", { reason: "assertion must carry exactly one Subject/NameID", actual: nameIds.length });
  // The whole text of NameID: comments/PIs never truncate it; nested elements are refused.
  const rawNameId = ownText(nameIds[0]);
  const nameId = rawNameId?.trim() ?? "";
  if (!nameId) return fail("SAML_MALFORMED", { reason: "NameID is empty or not plain text" });
  const attributes = readAttributes(assertion);
  const authn = child(assertion, NS.assertion, "AuthnStatement");
  return {
    ok: true,
    id,
    issuer: readIssuer(assertion) ?? "",
    nameId,
    nameIdFormat: attr(nameIds[0], "Format"),
    nameQualifier: attr(nameIds[0], "NameQualifier"),
    spNameQualifier: attr(nameIds[0], "SPNameQualifier"),
    sessionIndex: attr(authn, "SessionIndex"),
    attributes,
    email: resolveEmail(nameId, attributes),
    ...resolveNames(attributes),
  };
}
