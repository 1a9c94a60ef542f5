/** Attribute statements → a flat map, and the email / name claims we understand. */
import type { Element } from "@xmldom/xmldom";
import { NS } from "./constants";
import { attr, children, ownText } from "./xml";

export const EMAIL_ATTRIBUTES = [
  "email",
  "mail",
  "emailaddress",
  "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
  "urn:oid:0.9.2342.19200300.100.1.3",
];
export const FIRST_NAME_ATTRIBUTES = [
  "firstName",
  "givenName",
  "given_name",
  "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
  "urn:oid:2.5.4.42",
];
export const LAST_NAME_ATTRIBUTES = [
  "lastName",
  "surname",
  "sn",
  "family_name",
  "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
  "urn:oid:2.5.4.4",
];

const EMAIL = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;

export function looksLikeEmail(value: string): boolean {
  return value.length <= 320 && EMAIL.test(value);
}

/** Every Attribute (in every AttributeStatement of the assertion) by Name, with all its values. */
export function readAttributes(assertion: Element): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const statement of children(assertion, NS.assertion, "AttributeStatement")) {
    for (const attribute of children(statement, NS.assertion, "Attribute")) {
      const name = attr(attribute, "Name");
      if (!name) continue;
      const values: string[] = [];
      for (const v of children(attribute, NS.assertion, "AttributeValue")) {
        const text = ownText(v); // structured values (nested elements) are skipped
        if (text !== null) values.push(text.trim());
      }
      if (!Object.prototype.hasOwnProperty.call(out, name)) out[name] = [];
      out[name].push(...values);
    }
  }
  return out;
}

/** First non-empty value of the first listed attribute present (attribute names compared exactly, then case-insensitively). */
export function pickAttribute(attributes: Record<string, string[]>, names: string[]): string | null {
  const keys = Object.keys(attributes);
  for (const name of names) {
    const key = keys.find((k) => k === name) ?? keys.find((k) => k.toLowerCase() === name.toLowerCase());
    const value = key ? attributes[key].find((v) => v.length > 0) : undefined;
    if (value) return value;
  }
  return null;
}

/**
 * The email of the assertion: an email attribute when there is one, else an email-shaped NameID. The
 * attribute wins when both are present and differ (IdPs put the mail there; a NameID may be a stale
 * or reused login name): the NameID stays the identity's link key either way.
 */
export function resolveEmail(nameId: string, attributes: Record<string, string[]>): string | null {
  for (const name of EMAIL_ATTRIBUTES) {
    const value = pickAttribute(attributes, [name]);
    if (value && looksLikeEmail(value)) return value.toLowerCase();
  }
  if (looksLikeEmail(nameId)) return nameId.toLowerCase();
  return null;
}

export function resolveNames(attributes: Record<string, string[]>): { firstName: string | null; lastName: string | null } {
  return { firstName: pickAttribute(attributes, FIRST_NAME_ATTRIBUTES), lastName: pickAttribute(attributes, LAST_NAME_ATTRIBUTES) };
}
