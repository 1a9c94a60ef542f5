/**
 * xml-crypto 6.3 finds what a signature covers with XPath: over the whole document, the referenced
 * element by `//*[@*[local-name(.)='ID']='…']` (evaluated twice per reference: to find it, then again
 * for its ancestor namespaces), the SignedInfo's ancestors by `//*[local-name()='SignedInfo']` and the
 * loaded Signature in its own re-parsed copy by `.//*[local-name(.)='Signature' and …]`; inside the
 * Signature, four more for its algorithms, value and KeyInfo. On a 4.4 KB SAML response that XPath was
 * ~3 ms of a ~5.8 ms check (issue 16: the `xpath` package builds a context object per node). This
 * replaces the lookups only, each with a DOM walk that applies the same rule; parsing,
 * canonicalization, digests, the signature value check and the reference model stay xml-crypto's.
 *
 * Same rules, written out:
 * - the referenced element is the element, in document order, carrying an attribute whose local name is
 *   one of `idAttributes` with the URI's value (the `xpath` package counts a namespace declaration such
 *   as `xmlns:ID` too, and so does this); two such elements refuse the document (signature wrapping),
 *   as xml-crypto does;
 * - its ancestor namespaces are read from that element (`findAncestorNsForElement`, xml-crypto's own);
 * - the SignedInfo ancestors come from the first element named SignedInfo in document order, as the
 *   XPath xml-crypto uses picks it;
 * - the loaded Signature in another copy of the document is the dsig Signature element whose first
 *   SignatureValue child has the same text; two such refuse the document;
 * - inside the Signature (descendants, document order): the first CanonicalizationMethod and the first
 *   SignatureMethod carrying an unprefixed Algorithm attribute; the first text or CDATA child of any
 *   SignatureValue (used only when it is text, as xml-crypto's `isTextNode` check does); the first KeyInfo.
 * `signed-xml-lookups.test.ts` pins the xml-crypto methods this mirrors: an upgrade that changes them
 * fails there first.
 */
import { DOMParser, type Document, type Element, type Node } from "@xmldom/xmldom";
import type { SignedXml } from "xml-crypto";
// xml-crypto's own helpers (CommonJS, no exports map): the same functions its XPath path ends in.
import * as xmlCryptoUtils from "xml-crypto/lib/utils.js";

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
  signatureXml: string;
  signatureAlgorithm: string | undefined;
  signatureValue: string;
  keyInfo: Node | null;
  references: Reference[];
  canonicalizationAlgorithm: string | undefined;
  loadSignature(signatureNode: Node | string): void;
  loadReference(refNode: Node): void;
  findLoadedSignature(node: Node): Node | null;
  namespaceResolver: Parameters<typeof xmlCryptoUtils.findAncestorNs>[2];
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

/** The first element under `root` (document order, `root` itself excluded) that `test` accepts. */
function firstElement(root: Node, test: (el: Element) => boolean): Element | null {
  let found: Element | null = null;
  walkElements(root, (el) => {
    if (!test(el)) return;
    found = el;
    return true;
  });
  return found;
}

/** `.//*[local-name(.)='<name>']/@Algorithm`: the first such element that has the (unprefixed) attribute. */
function algorithmOf(signature: Node, localName: string): string | null {
  const el = firstElement(signature, (e) => e.localName === localName && e.getAttributeNode("Algorithm") !== null);
  return el ? el.getAttributeNode("Algorithm")!.value : null;
}

/** `.//*[local-name(.)='SignatureValue']/text()`, first in document order (text() matches CDATA too). */
function signatureValueNode(signature: Node): Node | null {
  let found: Node | null = null;
  walkElements(signature, (el) => {
    if (el.localName !== "SignatureValue") return;
    for (let n = el.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === 3 || n.nodeType === 4) {
        found = n;
        return true;
      }
    }
  });
  return found;
}

const DSIG = "http://www.w3.org/2000/09/xmldsig#";
const firstChildText = (el: Node) => xmlCryptoUtils.findChildren(asDom(el), "SignatureValue")[0]?.textContent;

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

  s.getCanonReferenceXml = function (doc, ref, node) {
    if (Array.isArray(ref.transforms)) {
      const elem = referenced.get(ref);
      // A reference this instance did not resolve (xml-crypto's other callers) keeps xml-crypto's own lookup.
      ref.ancestorNamespaces = elem
        ? xmlCryptoUtils.findAncestorNsForElement(asDom(elem))
        : xmlCryptoUtils.findAncestorNs(asDom(doc) as unknown as globalThis.Document, ref.xpath as string, s.namespaceResolver);
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
    const first = firstElement(doc, (el) => el.localName === "SignedInfo");
    const ancestorNamespaces = first ? xmlCryptoUtils.findAncestorNsForElement(asDom(first)) : [];
    return s.getCanonXml([s.canonicalizationAlgorithm], signedInfo[0] as unknown as Node, { ancestorNamespaces });
  };

  s.findLoadedSignature = function (node) {
    const doc = node.ownerDocument ?? node;
    if (s.signatureNode == null || s.signatureNode.ownerDocument === doc) return s.signatureNode;
    const signatureValue = firstChildText(s.signatureNode);
    if (!signatureValue) return null;
    const matches: Element[] = [];
    walkElements(doc, (el) => {
      if (el.localName === "Signature" && el.namespaceURI === DSIG && firstChildText(el) === signatureValue) matches.push(el);
    });
    if (matches.length > 1)
      throw new Error(
        "Cannot validate a document which contains multiple Signature elements with the same SignatureValue, in order to prevent signature wrapping attack.",
      );
    return matches[0] ?? null;
  };

  s.loadSignature = function (signatureNode) {
    if (typeof signatureNode === "string") signatureNode = new DOMParser().parseFromString(signatureNode, "text/xml");
    s.signatureNode = signatureNode;
    s.signatureXml = signatureNode.toString();
    const c14n = algorithmOf(signatureNode, "CanonicalizationMethod");
    if (c14n === null) throw new Error("could not find CanonicalizationMethod/@Algorithm element");
    s.canonicalizationAlgorithm = c14n;
    const signatureAlgorithm = algorithmOf(signatureNode, "SignatureMethod");
    if (signatureAlgorithm !== null) s.signatureAlgorithm = signatureAlgorithm;
    const signedInfoNodes = xmlCryptoUtils.findChildren(asDom(signatureNode), "SignedInfo");
    if (signedInfoNodes.length === 0) throw new Error("no signed info node found");
    if (signedInfoNodes.length > 1) throw new Error("could not load signature that contains multiple SignedInfo nodes");
    // As xml-crypto: references are read from an exclusive-canonical copy of SignedInfo.
    const forSignedInfo = !c14n || INCLUSIVE_C14N.has(c14n) ? "http://www.w3.org/2001/10/xml-exc-c14n#" : c14n;
    const canonSignedInfo = s.getCanonXml([forSignedInfo], signedInfoNodes[0] as unknown as Node, {});
    const signedInfoDoc = new DOMParser().parseFromString(canonSignedInfo, "text/xml").documentElement;
    s.references = [];
    const references = signedInfoDoc ? xmlCryptoUtils.findChildren(asDom(signedInfoDoc), "Reference") : [];
    if (references.length === 0) throw new Error("could not find any Reference elements");
    for (const reference of references) s.loadReference(reference as unknown as Node);
    const value = signatureValueNode(signatureNode);
    if (value && value.nodeType === 3) s.signatureValue = (value as unknown as { data: string }).data.replace(/\r?\n/g, "");
    const keyInfo = firstElement(signatureNode, (el) => el.localName === "KeyInfo");
    if (keyInfo) s.keyInfo = keyInfo;
  };
  return sig;
}
