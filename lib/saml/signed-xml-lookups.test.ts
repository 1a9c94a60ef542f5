import { createHash } from "node:crypto";
import { DOMParser } from "@xmldom/xmldom";
import { SignedXml } from "xml-crypto";
import * as xpath from "xpath";
import { describe, expect, it } from "vitest";
import { findReferencedElement, withTargetedLookups } from "./signed-xml-lookups";

/**
 * The targeted lookups replace three private methods of xml-crypto's SignedXml. Their sources are
 * pinned here: an xml-crypto upgrade that changes any of them fails this test, and whoever upgrades
 * re-reads signed-xml-lookups.ts against the new code before updating the hashes.
 */
const PINNED = {
  validateReference: "4061b327beb3754a",
  getCanonReferenceXml: "8c01e22f766f87d0",
  getCanonSignedInfoXml: "1ba55c9cdef5d107",
  findLoadedSignature: "4a1e03237e77e501",
  loadSignature: "0c2f7d17a9a7f824",
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
      findLoadedSignature: sourceHash("findLoadedSignature"),
      loadSignature: sourceHash("loadSignature"),
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

  /** The fields loadSignature sets, read the same way from xml-crypto's instance and ours. */
  const loaded = (sig: SignedXml) => {
    const i = sig as unknown as Record<string, unknown> & {
      references: { uri: string; digestValue: string }[];
      keyInfo?: { localName: string };
    };
    return {
      c14n: i.canonicalizationAlgorithm,
      signatureAlgorithm: i.signatureAlgorithm,
      signatureValue: i.signatureValue,
      references: i.references.map((r) => [r.uri, r.digestValue]),
      keyInfo: i.keyInfo?.localName ?? null,
    };
  };
  const DS = `xmlns:ds="http://www.w3.org/2000/09/xmldsig#"`;
  const signedInfo = (c14n = `<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>`) =>
    `<ds:SignedInfo>${c14n}<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>` +
    `<ds:Reference URI="#a"><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>ZGln</ds:DigestValue></ds:Reference></ds:SignedInfo>`;
  const shapes: { name: string; xml: string }[] = [
    {
      name: "usual",
      xml: `<ds:Signature ${DS}>${signedInfo()}<ds:SignatureValue>c2ln\nbmF0dXJl</ds:SignatureValue><ds:KeyInfo/></ds:Signature>`,
    },
    {
      name: "a CanonicalizationMethod without Algorithm comes first",
      xml: `<ds:Signature ${DS}>${signedInfo(`<ds:CanonicalizationMethod/><ds:CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>`)}<ds:SignatureValue>c2ln</ds:SignatureValue></ds:Signature>`,
    },
    {
      name: "a prefixed Algorithm attribute is not the Algorithm",
      xml: `<ds:Signature ${DS} xmlns:x="urn:x">${signedInfo(`<ds:CanonicalizationMethod x:Algorithm="urn:bad"/><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>`)}<ds:SignatureValue>c2ln</ds:SignatureValue></ds:Signature>`,
    },
    {
      name: "CDATA signature value",
      xml: `<ds:Signature ${DS}>${signedInfo()}<ds:SignatureValue><![CDATA[c2ln]]></ds:SignatureValue></ds:Signature>`,
    },
    {
      name: "an empty SignatureValue first, then another",
      xml: `<ds:Signature ${DS}>${signedInfo()}<ds:SignatureValue/><ds:Object><ds:SignatureValue>b3RoZXI=</ds:SignatureValue><ds:KeyInfo/></ds:Object></ds:Signature>`,
    },
    { name: "no KeyInfo", xml: `<ds:Signature ${DS}>${signedInfo()}<ds:SignatureValue>c2ln</ds:SignatureValue></ds:Signature>` },
  ];
  for (const shape of shapes) {
    it(`load a Signature as xml-crypto does: ${shape.name}`, () => {
      const theirs = new SignedXml();
      const ours = withTargetedLookups(new SignedXml());
      theirs.loadSignature(parse(shape.xml).documentElement as unknown as globalThis.Node);
      ours.loadSignature(parse(shape.xml).documentElement as unknown as globalThis.Node);
      expect(loaded(ours)).toEqual(loaded(theirs));
    });
  }
  it("refuse a Signature without an Algorithm'd CanonicalizationMethod, as xml-crypto does", () => {
    const xml = `<ds:Signature ${DS}>${signedInfo(`<ds:CanonicalizationMethod/>`)}<ds:SignatureValue>c2ln</ds:SignatureValue></ds:Signature>`;
    expect(() => new SignedXml().loadSignature(parse(xml).documentElement as unknown as globalThis.Node)).toThrow(/CanonicalizationMethod/);
    expect(() => withTargetedLookups(new SignedXml()).loadSignature(parse(xml).documentElement as unknown as globalThis.Node)).toThrow(
      /CanonicalizationMethod/,
    );
  });

  it("find the loaded Signature in another copy of the document as xml-crypto does, refusing two with the same value", () => {
    const sigXml = shapes[0].xml;
    const find = (sig: SignedXml, doc: string) => {
      sig.loadSignature(parse(sigXml).documentElement as unknown as globalThis.Node);
      const internals = sig as unknown as { findLoadedSignature(n: unknown): { localName: string } | null };
      return internals.findLoadedSignature(parse(doc));
    };
    const once = `<r>${sigXml}</r>`;
    const twice = `<r>${sigXml}<x>${sigXml}</x></r>`;
    const other = `<r>${sigXml.replace("bmF0dXJl", "b3RoZXI")}</r>`;
    expect(find(withTargetedLookups(new SignedXml()), once)?.localName).toBe(find(new SignedXml(), once)?.localName);
    expect(find(withTargetedLookups(new SignedXml()), once)?.localName).toBe("Signature");
    expect(find(new SignedXml(), other)).toBeNull();
    expect(find(withTargetedLookups(new SignedXml()), other)).toBeNull();
    expect(() => find(new SignedXml(), twice)).toThrow(/multiple Signature/);
    expect(() => find(withTargetedLookups(new SignedXml()), twice)).toThrow(/multiple Signature/);
  });
});
