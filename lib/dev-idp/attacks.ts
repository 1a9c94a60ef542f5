/**
 * Mutations applied to a SAMLResponse AFTER signing, for the attack table. Each takes and returns the
 * base64 POST value. DOM edits use xmldom; string edits are plain replacements.
 */
import { DOMParser, XMLSerializer, type Document, type Element } from "@xmldom/xmldom";
import { NS } from "@/lib/saml/constants";
import { children, descendants } from "@/lib/saml/xml";

export const decodeResponse = (b64: string) => Buffer.from(b64, "base64").toString("utf8");
export const encodeResponse = (xml: string) => Buffer.from(xml, "utf8").toString("base64");

/** Replace the first (or every) occurrence of `from` in the decoded XML. */
export function replaceInXml(b64: string, from: string | RegExp, to: string): string {
  const xml = decodeResponse(b64);
  const next = xml.replace(from, to);
  if (next === xml) throw new Error(`attack: pattern not found: ${String(from)}`);
  return encodeResponse(next);
}

export function mutateDom(b64: string, edit: (doc: Document, root: Element) => void): string {
  const doc = new DOMParser().parseFromString(decodeResponse(b64), "text/xml");
  edit(doc, doc.documentElement as Element);
  return encodeResponse(new XMLSerializer().serializeToString(doc));
}

const assertionOf = (root: Element) => descendants(root, "Assertion", NS.assertion)[0];

/** An unsigned copy of the signed assertion with another ID and NameID. */
function forgeFrom(doc: Document, signed: Element, nameId: string): Element {
  const forged = signed.cloneNode(true) as Element;
  for (const s of children(forged, NS.dsig, "Signature")) forged.removeChild(s);
  forged.setAttribute("ID", "_forged" + Math.random().toString(16).slice(2));
  const n = descendants(forged, "NameID", NS.assertion)[0];
  while (n.firstChild) n.removeChild(n.firstChild);
  n.appendChild(doc.createTextNode(nameId));
  return forged;
}

export type WrapPosition = "before" | "after" | "around" | "advice";

/** Signature wrapping: a forged assertion before/after the signed one, wrapping it, or holding it in Advice. */
export function wrapWithForgedAssertion(b64: string, position: WrapPosition, forgedNameId = "attacker@victim.test"): string {
  return mutateDom(b64, (doc, root) => {
    const signed = assertionOf(root);
    const forged = forgeFrom(doc, signed, forgedNameId);
    if (position === "before") root.insertBefore(forged, signed);
    else if (position === "after") root.insertBefore(forged, signed.nextSibling);
    else {
      root.replaceChild(forged, signed);
      if (position === "around") forged.appendChild(signed);
      else {
        const advice = doc.createElementNS(NS.assertion, "saml:Advice");
        advice.appendChild(signed);
        const subject = descendants(forged, "Subject", NS.assertion)[0];
        forged.insertBefore(advice, subject.nextSibling);
      }
    }
  });
}

/** Move the signed assertion into samlp:Extensions; optionally put a forged assertion in its place. */
export function moveSignedIntoExtensions(b64: string, withForged: boolean, forgedNameId = "attacker@victim.test"): string {
  return mutateDom(b64, (doc, root) => {
    const signed = assertionOf(root);
    const ext = doc.createElementNS(NS.protocol, "samlp:Extensions");
    const issuer = children(root, NS.assertion, "Issuer")[0];
    root.insertBefore(ext, issuer ? issuer.nextSibling : root.firstChild);
    if (withForged) root.replaceChild(forgeFrom(doc, signed, forgedNameId), signed);
    else root.removeChild(signed);
    ext.appendChild(signed);
  });
}

/** Forged unsigned assertion in place; the signed one hidden in an unrelated element (StatusDetail). */
export function forgedWithSignedElsewhere(b64: string, forgedNameId = "attacker@victim.test"): string {
  return mutateDom(b64, (doc, root) => {
    const signed = assertionOf(root);
    root.replaceChild(forgeFrom(doc, signed, forgedNameId), signed);
    const status = children(root, NS.protocol, "Status")[0];
    const detail = doc.createElementNS(NS.protocol, "samlp:StatusDetail");
    detail.appendChild(signed);
    status.appendChild(detail);
  });
}

/** Only the signed assertion, moved under a non-standard wrapper element (one assertion, wrong place). */
export function moveSignedIntoExtensionsAlone(b64: string): string {
  return moveSignedIntoExtensions(b64, false);
}

/** A second copy of the signed assertion (same ID). */
export function duplicateAssertion(b64: string): string {
  return mutateDom(b64, (_doc, root) => {
    const signed = assertionOf(root);
    root.appendChild(signed.cloneNode(true));
  });
}

/** Remove every ds:Signature element. */
export function stripSignatures(b64: string): string {
  return mutateDom(b64, (_doc, root) => {
    for (const s of descendants(root, "Signature", NS.dsig)) s.parentNode?.removeChild(s);
  });
}

/** Insert markup inside the NameID text at `at` (characters from the start). */
export function injectIntoNameId(b64: string, markup: string, at: number): string {
  const xml = decodeResponse(b64);
  const m = /(<(?:\w+:)?NameID\b[^>]*>)([^<]*)(<\/)/.exec(xml);
  if (!m) throw new Error("attack: NameID not found");
  const text = m[2];
  const next = xml.replace(m[0], `${m[1]}${text.slice(0, at)}${markup}${text.slice(at)}${m[3]}`);
  return encodeResponse(next);
}

export const injectCommentInNameId = (b64: string, at: number) => injectIntoNameId(b64, "<!---->", at);
export const injectProcessingInstructionInNameId = (b64: string, at: number) => injectIntoNameId(b64, "<?evil x?>", at);

/** Put a DOCTYPE (optionally with an internal entity subset) before the root element. */
export function addDoctype(b64: string, withEntity: boolean): string {
  const xml = decodeResponse(b64).replace(/^<\?xml[^>]*\?>\s*/, "");
  const dtd = withEntity ? `<!DOCTYPE samlp:Response [<!ENTITY who "admin@victim.test">]>` : `<!DOCTYPE samlp:Response>`;
  return encodeResponse(`<?xml version="1.0" encoding="UTF-8"?>${dtd}${xml}`);
}

/** Replace the assertion by an EncryptedAssertion. */
export function encryptAssertion(b64: string): string {
  return mutateDom(b64, (doc, root) => {
    const signed = assertionOf(root);
    const enc = doc.createElementNS(NS.assertion, "saml:EncryptedAssertion");
    const data = doc.createElementNS("http://www.w3.org/2001/04/xmlenc#", "xenc:EncryptedData");
    data.appendChild(doc.createTextNode("AAAA"));
    enc.appendChild(data);
    root.replaceChild(enc, signed);
  });
}
