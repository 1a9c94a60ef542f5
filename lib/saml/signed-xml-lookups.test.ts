import { createHash } from "node:crypto";
import { DOMParser } from "@xmldom/xmldom";
import { SignedXml } from "xml-crypto";
import * as xpath from "xpath";
import { describe, expect, it } from "vitest";
import { findReferencedElement } from "./signed-xml-lookups";

/**
 * The targeted lookups replace three private methods of xml-crypto's SignedXml. Their sources are
 * pinned here: an xml-crypto upgrade that changes any of them fails this test, and whoever upgrades
 * re-reads signed-xml-lookups.ts against the new code before updating the hashes.
 */
const PINNED = {
  validateReference: "4061b327beb3754a",
  getCanonReferenceXml: "8c01e22f766f87d0",
  getCanonSignedInfoXml: "1ba55c9cdef5d107",
};

const sourceHash = (name: keyof typeof PINNED) =>
  createHash("sha256")
    .update(String((SignedXml.prototype as unknown as Record<string, unknown>)[name]))
    .digest("hex")
    .slice(0, 16);

describe("targeted lookups of xml-crypto's reference processing", () => {
  it("mirror the xml-crypto methods they were written against", () => {
    expect({
      validateReference: sourceHash("validateReference"),
      getCanonReferenceXml: sourceHash("getCanonReferenceXml"),
      getCanonSignedInfoXml: sourceHash("getCanonSignedInfoXml"),
    }).toEqual(PINNED);
  });

  const parse = (xml: string) => new DOMParser().parseFromString(xml, "text/xml");
  /** xml-crypto's own XPath rule, for comparison. */
  const byXpath = (xml: string, uri: string, names: string[]) => {
    const doc = parse(xml);
    const found = names.flatMap(
      (n) => xpath.select(`//*[@*[local-name(.)='${n}']='${uri}']`, doc as unknown as globalThis.Node) as unknown as Element[],
    );
    return found.map((e) => e.localName);
  };
  const byWalk = (xml: string, uri: string, names: string[]) => findReferencedElement(parse(xml), uri, names)?.localName ?? null;

  const cases: { name: string; xml: string }[] = [
    { name: "plain ID", xml: `<r><a/><b ID="x"/><c/></r>` },
    { name: "namespaced attribute with local name ID", xml: `<r xmlns:f="urn:f"><a f:ID="x"/></r>` },
    { name: "a namespace declaration named ID (the xpath package counts it)", xml: `<r xmlns:ID="x"><a/></r>` },
    { name: "nested, deep", xml: `<r><a><b><c><d ID="x"/></c></b></a></r>` },
    { name: "value differs", xml: `<r><a ID="y"/></r>` },
  ];
  for (const c of cases) {
    it(`find the element XPath finds: ${c.name}`, () => {
      const viaXpath = byXpath(c.xml, "x", ["ID"]);
      expect(viaXpath.length).toBeLessThanOrEqual(1);
      expect(byWalk(c.xml, "x", ["ID"])).toBe(viaXpath[0] ?? null);
    });
  }

  it("refuse two elements with the same ID (signature wrapping), across all ID attribute names", () => {
    expect(() => byWalk(`<r><a ID="x"/><b ID="x"/></r>`, "x", ["ID"])).toThrow(/multiple elements/);
    expect(() => byWalk(`<r><a Id="x"/><b ID="x"/></r>`, "x", ["Id", "ID", "id"])).toThrow(/multiple elements/);
    expect(() => byWalk(`<r><a Id="x" ID="x"/></r>`, "x", ["Id", "ID"])).toThrow(/multiple elements/);
    expect(() => byWalk(`<r><a ID="x"/></r>`, "x'or'1", ["ID"])).toThrow(/quotes/);
  });

  it("an empty URI names the document element", () => {
    expect(byWalk(`<r><a ID="x"/></r>`, "", ["ID"])).toBe("r");
  });
});
