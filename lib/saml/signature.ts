/**
 * Enveloped XML-signature verification on xml-crypto, with our own structural rules first:
 * one SignedInfo, one Reference whose URI is "#" + the parent's ID, allowlisted algorithms and transforms.
 * Keys come only from the trusted certificates (KeyInfo in the message is ignored). The result is the
 * element re-parsed from the bytes the signature covers — the only bytes callers may read.
 */
import crypto from "node:crypto";
import type { Element } from "@xmldom/xmldom";
import { SignedXml } from "xml-crypto";
import { NS } from "./constants";
import { ALLOWED_C14N, ALLOWED_TRANSFORMS, installAlgorithms, isAllowedDigestAlgorithm, isAllowedSignatureAlgorithm } from "./algorithms";
import { withTargetedLookups } from "./signed-xml-lookups";
import { attr, children, elementChildren, parseXmlStrict } from "./xml";
import { fail, type SamlFailure } from "./types";

export type VerifiedElement = { ok: true; element: Element; signedXml: string; signatureAlgorithm: string; digestAlgorithm: string };

type Inspected = { ok: true; signatureAlgorithm: string; digestAlgorithm: string };

/** Check the Signature's shape and algorithms before any cryptography runs. */
export function inspectSignature(signature: Element, parentId: string, allowSha1: boolean): Inspected | SamlFailure {
  const where = {
    element: signature.parentNode && "localName" in signature.parentNode ? String(signature.parentNode.localName) : "unknown",
  };
  const signedInfos = children(signature, NS.dsig, "SignedInfo");
  if (signedInfos.length !== 1) return fail("SAML_SIGNATURE_INVALID", { ...where, reason: "Signature must have exactly one SignedInfo" });
  const signedInfo = signedInfos[0];
  const c14n = attr(children(signedInfo, NS.dsig, "CanonicalizationMethod")[0], "Algorithm") ?? "";
  if (!ALLOWED_C14N.has(c14n))
    return fail("SAML_SIGNATURE_INVALID", {
      ...where,
      reason: "canonicalization method not allowed",
      expected: [...ALLOWED_C14N],
      actual: c14n,
    });
  const signatureAlgorithm = attr(children(signedInfo, NS.dsig, "SignatureMethod")[0], "Algorithm") ?? "";
  if (!isAllowedSignatureAlgorithm(signatureAlgorithm, allowSha1)) {
    return fail("SAML_WEAK_ALGORITHM", { ...where, kind: "signature", actual: signatureAlgorithm, allowSha1 });
  }
  const refs = children(signedInfo, NS.dsig, "Reference");
  if (refs.length !== 1)
    return fail("SAML_SIGNATURE_INVALID", { ...where, reason: "Signature must have exactly one Reference", actual: refs.length });
  const uri = attr(refs[0], "URI");
  if (uri !== `#${parentId}`) {
    return fail("SAML_SIGNATURE_INVALID", {
      ...where,
      reason: "Reference must point at the enclosing element",
      expected: `#${parentId}`,
      actual: uri,
    });
  }
  const transformsEl = children(refs[0], NS.dsig, "Transforms")[0];
  const transforms = transformsEl ? elementChildren(transformsEl) : [];
  for (const t of transforms) {
    const alg = attr(t, "Algorithm") ?? "";
    if (t.namespaceURI !== NS.dsig || t.localName !== "Transform" || !ALLOWED_TRANSFORMS.has(alg)) {
      return fail("SAML_SIGNATURE_INVALID", { ...where, reason: "transform not allowed", actual: alg });
    }
  }
  const digestAlgorithm = attr(children(refs[0], NS.dsig, "DigestMethod")[0], "Algorithm") ?? "";
  if (!isAllowedDigestAlgorithm(digestAlgorithm, allowSha1)) {
    return fail("SAML_WEAK_ALGORITHM", { ...where, kind: "digest", actual: digestAlgorithm, allowSha1 });
  }
  return { ok: true, signatureAlgorithm, digestAlgorithm };
}

/**
 * Parsed public keys by certificate PEM. The key is the certificate's exact text, so a connection whose
 * trust changes (any instance, any time) presents a new PEM and gets a fresh parse: nothing to
 * invalidate. Bounded: the oldest entries go first.
 */
const KEY_CACHE_MAX = 1000;
const keyCache = new Map<string, crypto.KeyObject | null>();

function publicKeyOf(pem: string): crypto.KeyObject | null {
  let key = keyCache.get(pem);
  if (key === undefined) {
    try {
      key = new crypto.X509Certificate(pem).publicKey;
    } catch {
      key = null; // an unparsable certificate trusts nothing
    }
    if (keyCache.size >= KEY_CACHE_MAX) keyCache.delete(keyCache.keys().next().value!);
    keyCache.set(pem, key);
  }
  return key;
}

/** Public keys of the trusted certificates; unusable entries are skipped. */
export function trustedKeys(certsPem: string[]): crypto.KeyObject[] {
  const keys: crypto.KeyObject[] = [];
  for (const pem of certsPem) {
    const key = publicKeyOf(pem);
    if (key) keys.push(key);
  }
  return keys;
}

/**
 * Verify `signature` (a direct child of `parent`) over `xml`, the exact text `parent` was parsed from.
 * Returns `parent` re-parsed from the signed canonical bytes.
 */
export function verifyEnvelopedSignature(
  xml: string,
  parent: Element,
  signature: Element,
  keys: crypto.KeyObject[],
  allowSha1: boolean,
): VerifiedElement | SamlFailure {
  const parentId = attr(parent, "ID");
  if (!parentId) return fail("SAML_SIGNATURE_INVALID", { element: parent.localName, reason: "signed element has no ID" });
  const inspected = inspectSignature(signature, parentId, allowSha1);
  if (!inspected.ok) return inspected;
  if (keys.length === 0)
    return fail("SAML_SIGNATURE_INVALID", { element: parent.localName, reason: "no usable IdP certificate is configured" });

  for (const key of keys) {
    // xml-crypto's reference processing, its document-wide XPath lookups done by DOM walks (same rules).
    const sig = withTargetedLookups(new SignedXml({ publicCert: key, getCertFromKeyInfo: () => null }));
    // SAML names its signed elements by the ID attribute only; one name is one lookup, not three.
    sig.idAttributes = ["ID"];
    installAlgorithms(sig);
    let signedXml: string | undefined;
    try {
      sig.loadSignature(signature as unknown as Node);
      if (sig.checkSignature(xml) !== true) continue;
      const refs = sig.getReferences();
      const signed = sig.getSignedReferences();
      if (refs.length !== 1 || signed.length !== 1 || refs[0].uri !== `#${parentId}`) continue;
      signedXml = signed[0];
    } catch {
      continue;
    }
    let element: Element;
    try {
      element = parseXmlStrict(signedXml).documentElement as Element;
    } catch {
      return fail("SAML_SIGNATURE_INVALID", { element: parent.localName, reason: "signed bytes are not a standalone element" });
    }
    if (element.namespaceURI !== parent.namespaceURI || element.localName !== parent.localName || attr(element, "ID") !== parentId) {
      return fail("SAML_SIGNATURE_INVALID", { element: parent.localName, reason: "signature covers a different element" });
    }
    return { ok: true, element, signedXml, signatureAlgorithm: inspected.signatureAlgorithm, digestAlgorithm: inspected.digestAlgorithm };
  }
  return fail("SAML_SIGNATURE_INVALID", {
    element: parent.localName,
    reason: `signature does not verify with any of the ${keys.length} configured IdP certificate(s)`,
  });
}
