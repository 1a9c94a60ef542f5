/**
 * xml-crypto 6.3 finds what a signature covers with XPath over the whole document: the referenced
 * element by `//*[@*[local-name(.)='ID']='…']` (evaluated twice per reference: to find it, then again
 * for its ancestor namespaces) and the SignedInfo's ancestors by `//*[local-name()='SignedInfo']`. On a
 * 4 KB SAML response those three scans were ~1.5 ms of a ~4 ms check (issue 16: the `xpath` package
 * builds a context object per node). This replaces the lookups only, with one DOM walk that applies the
 * same rule; canonicalization, digests, the signature value and the reference model stay xml-crypto's.
 *
 * Same rule, written out:
 * - the referenced element is the element, in document order, carrying an attribute whose local name is
 *   one of `idAttributes` with the URI's value (the `xpath` package counts a namespace declaration such
 *   as `xmlns:ID` too, and so does this); two such elements refuse the document (signature wrapping),
 *   as xml-crypto does;
 * - its ancestor namespaces are read from that element (`findAncestorNsForElement`, xml-crypto's own);
 * - the SignedInfo ancestors come from the first element named SignedInfo in document order, as the
 *   XPath xml-crypto uses picks it.
 * `signed-xml-lookups.test.ts` pins the xml-crypto methods this mirrors: an upgrade that changes them
 * fails there first.
 */
import type { Document, Element, Node } from "@xmldom/xmldom";
import type { SignedXml } from "xml-crypto";
// xml-crypto's own helpers (CommonJS, no exports map): the same functions its XPath path ends in.
import * as xmlCryptoUtils from "xml-crypto/lib/utils";

type Reference = {
  uri?: string;
  xpath?: string;
  transforms: string[];
  digestAlgorithm: string;
  digestValue: string;
  inclusiveNamespacesPrefixList: string[];
  ancestorNamespaces?: unknown[];
  validationError?: Error;
};

/** The private members of SignedXml the lookups take part in (xml-crypto 6.3, lib/signed-xml.js). */
type SignedXmlInternals = {
  idAttributes: string[];
  signatureNode: Node | null;
  canonicalizationAlgorithm: string | undefined;
  validateReference(ref: Reference, doc: Document): string | undefined;
  getCanonSignedInfoXml(doc: Document): string;
  getCanonReferenceXml(doc: Document, ref: Reference, node: Node): string;
  getCanonXml(transforms: string[], node: Node, options: Record<string, unknown>): string;
  canonicalize(transforms: string[], node: Node, options: Record<string, unknown>, opts: { discardComments: boolean }): string;
  findHashAlgorithm(name: string): { getHash(xml: string): string };
};

/** xml-crypto's helpers are typed with the DOM's own types; they get xmldom nodes, as everywhere in it. */
const asDom = <T extends Node>(node: T) => node as unknown as globalThis.Element;

const INCLUSIVE_C14N = new Set([
  "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
  "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments",
]);

/** Elements in document order, stopping early when `visit` returns true. */
function walkElements(root: Node, visit: (el: Element) => boolean | void): void {
  const stack: Node[] = [];
  for (let n = root.lastChild; n; n = n.previousSibling) stack.push(n);
  while (stack.length) {
    const node = stack.pop()!;
    if (node.nodeType !== 1) continue;
    if (visit(node as Element)) return;
    for (let n = node.lastChild; n; n = n.previousSibling) stack.push(n);
  }
}

function hasIdAttribute(el: Element, localName: string, value: string): boolean {
  const attrs = el.attributes;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs.item(i)!;
    if (a.localName === localName && a.value === value) return true;
  }
  return false;
}

/** The element a same-document reference names, by xml-crypto's rule (see above). */
export function findReferencedElement(doc: Document, uri: string, idAttributes: string[]): Element | null {
  if (uri === "") return doc.documentElement;
  if (uri.includes("'")) throw new Error("Cannot validate a uri with quotes inside it");
  let count = 0;
  let found: Element | null = null;
  for (const name of idAttributes) {
    let first: Element | null = null;
    walkElements(doc, (el) => {
      if (!hasIdAttribute(el, name, uri)) return;
      count += 1;
      if (count > 1)
        throw new Error(
          "Cannot validate a document which contains multiple elements with the same value for the ID / Id / Id attributes, in order to prevent signature wrapping attack.",
        );
      first ??= el;
    });
    if (first) found = first;
  }
  return found;
}

function firstSignedInfo(doc: Document): Element | null {
  let found: Element | null = null;
  walkElements(doc, (el) => {
    if (el.localName !== "SignedInfo") return;
    found = el;
    return true;
  });
  return found;
}

/** `sig` with its document-wide lookups done by one DOM walk each (same results; see the header). */
export function withTargetedLookups<T extends SignedXml>(sig: T): T {
  const s = sig as unknown as SignedXmlInternals;
  const referenced = new WeakMap<Reference, Element>();

  s.validateReference = function (ref, doc) {
    const uri = ref.uri?.[0] === "#" ? ref.uri.substring(1) : (ref.uri ?? "");
    const elem = findReferencedElement(doc, uri, s.idAttributes);
    if (!elem) {
      ref.validationError = new Error(
        `invalid signature: the signature references an element with uri ${ref.uri} but could not find such element in the xml`,
      );
      return undefined;
    }
    referenced.set(ref, elem);
    const canonXml = s.getCanonReferenceXml(doc, ref, elem);
    const digest = s.findHashAlgorithm(ref.digestAlgorithm).getHash(canonXml);
    if (!xmlCryptoUtils.validateDigestValue(digest, ref.digestValue)) {
      ref.validationError = new Error(
        `invalid signature: for uri ${ref.uri} calculated digest is ${digest} but the xml to validate supplies digest ${ref.digestValue}`,
      );
      return undefined;
    }
    return canonXml;
  };

  s.getCanonReferenceXml = function (_doc, ref, node) {
    if (Array.isArray(ref.transforms)) {
      const elem = referenced.get(ref);
      ref.ancestorNamespaces = elem ? xmlCryptoUtils.findAncestorNsForElement(asDom(elem)) : [];
    }
    const c14nOptions = { inclusiveNamespacesPrefixList: ref.inclusiveNamespacesPrefixList, ancestorNamespaces: ref.ancestorNamespaces };
    const discardComments = ref.uri === "" || (ref.uri ?? "").startsWith("#");
    return s.canonicalize(ref.transforms, node, c14nOptions, { discardComments });
  };

  s.getCanonSignedInfoXml = function (doc) {
    if (s.signatureNode == null) throw new Error("No signature found.");
    if (typeof s.canonicalizationAlgorithm !== "string")
      throw new Error("Missing canonicalizationAlgorithm when trying to get signed info for XML");
    const signedInfo = xmlCryptoUtils.findChildren(asDom(s.signatureNode), "SignedInfo");
    if (signedInfo.length === 0) throw new Error("could not find SignedInfo element in the message");
    if (signedInfo.length > 1)
      throw new Error("could not get canonicalized signed info for a signature that contains multiple SignedInfo nodes");
    if (INCLUSIVE_C14N.has(s.canonicalizationAlgorithm) && (!doc || typeof doc !== "object"))
      throw new Error("When canonicalization method is non-exclusive, whole xml dom must be provided as an argument");
    const first = firstSignedInfo(doc);
    const ancestorNamespaces = first ? xmlCryptoUtils.findAncestorNsForElement(asDom(first)) : [];
    return s.getCanonXml([s.canonicalizationAlgorithm], signedInfo[0] as unknown as Node, { ancestorNamespaces });
  };
  return sig;
}
