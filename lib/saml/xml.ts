/**
 * Strict XML parsing (xmldom 0.9) and small DOM helpers. Every parse refuses DTDs: SAML messages and
 * metadata never need them, and they are the door to entity-expansion and XXE attacks.
 */
import { DOMParser, type Document, type Element, type Node } from "@xmldom/xmldom";

export class XmlParseError extends Error {
  constructor(
    readonly reason: "doctype" | "malformed",
    message: string,
  ) {
    super(message);
    this.name = "XmlParseError";
  }
}

const DTD_PATTERN = /<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/i;

/** True when the text contains any DTD declaration (checked on raw text before parsing). */
export function containsDtd(text: string): boolean {
  return DTD_PATTERN.test(text);
}

/** Parse XML strictly: DTDs refused, any parser warning or error is fatal, exactly one root element. */
export function parseXmlStrict(text: string): Document {
  if (containsDtd(text)) throw new XmlParseError("doctype", "DTD declarations are not allowed");
  let doc: Document;
  try {
    doc = new DOMParser({
      locator: false,
      onError: (level, message) => {
        throw new Error(`${level}: ${message}`);
      },
    }).parseFromString(text, "text/xml");
  } catch (e) {
    throw new XmlParseError("malformed", e instanceof Error ? e.message.split("\n")[0].slice(0, 200) : "invalid XML");
  }
  if (doc.doctype) throw new XmlParseError("doctype", "DTD declarations are not allowed");
  const roots = elementChildren(doc);
  if (roots.length !== 1 || !doc.documentElement) throw new XmlParseError("malformed", "document must have exactly one root element");
  return doc;
}

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;

export function isElement(node: Node | null | undefined): node is Element {
  return !!node && node.nodeType === ELEMENT_NODE;
}

export function elementChildren(parent: Node): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) if (isElement(n)) out.push(n);
  return out;
}

export function isNamed(el: Element, ns: string, localName: string): boolean {
  return el.namespaceURI === ns && el.localName === localName;
}

/** Direct children with the given namespace and local name. */
export function children(parent: Node, ns: string, localName: string): Element[] {
  return elementChildren(parent).filter((el) => isNamed(el, ns, localName));
}

export function child(parent: Node, ns: string, localName: string): Element | null {
  return children(parent, ns, localName)[0] ?? null;
}

/** All descendants (any depth) with the given local name, optionally restricted to a namespace. */
export function descendants(root: Node, localName: string, ns?: string): Element[] {
  const out: Element[] = [];
  const walk = (node: Node) => {
    for (let n = node.firstChild; n; n = n.nextSibling) {
      if (!isElement(n)) continue;
      if (n.localName === localName && (ns === undefined || n.namespaceURI === ns)) out.push(n);
      walk(n);
    }
  };
  walk(root);
  return out;
}

/**
 * The whole text of an element: every text and CDATA child concatenated (comments and processing
 * instructions are skipped, never used as terminators). Nested elements make the value invalid → null.
 */
export function ownText(el: Element): string | null {
  let text = "";
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === TEXT_NODE || n.nodeType === CDATA_SECTION_NODE) text += n.nodeValue ?? "";
    else if (n.nodeType === ELEMENT_NODE) return null;
  }
  return text;
}

/** Trimmed text of the element, or null when absent/invalid. */
export function textOf(el: Element | null | undefined): string | null {
  if (!el) return null;
  const t = ownText(el);
  return t === null ? null : t.trim();
}

export function attr(el: Element | null | undefined, name: string): string | null {
  if (!el || !el.hasAttribute(name)) return null;
  return el.getAttribute(name);
}

/** Escape text for use in XML element content or attribute values. */
export function escapeXml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}
