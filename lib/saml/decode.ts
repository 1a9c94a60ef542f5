/** Size cap, strict base64, DTD refusal and strict parse of an HTTP-POST SAMLResponse value. */
import type { Document } from "@xmldom/xmldom";
import { DEFAULT_MAX_BYTES } from "./constants";
import { containsDtd, parseXmlStrict, XmlParseError } from "./xml";
import { fail, type SamlFailure } from "./types";

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decode strict base64 to UTF-8 text; null when not valid base64 or not valid UTF-8. */
export function decodeBase64Strict(value: string): string | null {
  const compact = value.replace(/[\s]+/g, "");
  if (compact.length === 0 || compact.length % 4 !== 0 || !BASE64.test(compact)) return null;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(compact, "base64"));
  } catch {
    return null;
  }
}

export type Decoded = { ok: true; xml: string; doc: Document };

export function decodeSamlMessage(samlResponse: unknown, maxBytes = DEFAULT_MAX_BYTES): Decoded | SamlFailure {
  if (typeof samlResponse !== "string" || samlResponse.length === 0) return fail("SAML_MALFORMED", { reason: "SAMLResponse is missing" });
  if (samlResponse.length > maxBytes) return fail("SAML_BODY_TOO_LARGE", { maxBytes, actualBytes: samlResponse.length });
  const xml = decodeBase64Strict(samlResponse);
  if (xml === null) return fail("SAML_MALFORMED", { reason: "SAMLResponse is not valid base64-encoded UTF-8" });
  if (containsDtd(xml)) return fail("SAML_DOCTYPE_FORBIDDEN", { reason: "DOCTYPE or ENTITY declaration present" });
  try {
    return { ok: true, xml, doc: parseXmlStrict(xml) };
  } catch (e) {
    if (e instanceof XmlParseError && e.reason === "doctype")
      return fail("SAML_DOCTYPE_FORBIDDEN", { reason: "DOCTYPE or ENTITY declaration present" });
    return fail("SAML_MALFORMED", { reason: "XML is not well-formed" });
  }
}
