/**
 * EncryptedAssertion: structure and algorithm allowlist, decryption (xml-encryption), and the signature
 * rule for what comes out. Called from one place (validate-response.ts) before any other assertion check;
 * the decrypted assertion then goes through exactly the rules of a plaintext one.
 *
 * Accepted: key transport RSA-OAEP (xmlenc#rsa-oaep-mgf1p, or xmlenc11#rsa-oaep with MGF1-SHA1/SHA-256;
 * OAEP digest SHA-1 or SHA-256); content AES-128/256-GCM, and AES-128/256-CBC only when the decrypted
 * assertion carries its own valid signature. RSA 1.5 (Bleichenbacher), 3DES and anything else are refused
 * before any key is used.
 *
 * Padding-oracle rule: a CBC ciphertext that no verified signature covered (no signed Response around it)
 * may have been tampered with by whoever posts it, so every failure from decryption up to and including
 * the inner signature check answers the same SAML_DECRYPTION_FAILED with no detail: the poster cannot tell
 * bad padding from bad XML from a bad signature. When the Response is signed, its signature is verified
 * over the ciphertext FIRST and the EncryptedAssertion is read from the signed bytes, so nothing an
 * attacker changed is ever decrypted.
 */
import { XMLSerializer, type Element } from "@xmldom/xmldom";
import xmlenc from "xml-encryption";
import { NS } from "./constants";
import { trustedKeys, verifyEnvelopedSignature } from "./signature";
import { attr, children, descendants, elementChildren, isNamed, parseXmlStrict, textOf, XmlParseError } from "./xml";
import { fail, type ExpectedResponse, type SamlFailure } from "./types";

export const XMLENC = "http://www.w3.org/2001/04/xmlenc#";
export const XMLENC11 = "http://www.w3.org/2009/xmlenc11#";

export const KEY_TRANSPORT = {
  rsaOaepMgf1p: `${XMLENC}rsa-oaep-mgf1p`,
  rsaOaep: `${XMLENC11}rsa-oaep`,
  /** Refused: PKCS#1 v1.5 key transport is open to Bleichenbacher-style oracles. */
  rsa15: `${XMLENC}rsa-1_5`,
} as const;

export const CONTENT_ENCRYPTION = {
  aes128Gcm: `${XMLENC11}aes128-gcm`,
  aes256Gcm: `${XMLENC11}aes256-gcm`,
  aes128Cbc: `${XMLENC}aes128-cbc`,
  aes256Cbc: `${XMLENC}aes256-cbc`,
} as const;

const ALLOWED_KEY_TRANSPORT = new Set<string>([KEY_TRANSPORT.rsaOaepMgf1p, KEY_TRANSPORT.rsaOaep]);
const GCM = new Set<string>([CONTENT_ENCRYPTION.aes128Gcm, CONTENT_ENCRYPTION.aes256Gcm]);
const CBC = new Set<string>([CONTENT_ENCRYPTION.aes128Cbc, CONTENT_ENCRYPTION.aes256Cbc]);
/** The OAEP message digest (DigestMethod; absent = SHA-1). */
const ALLOWED_OAEP_DIGESTS = new Set<string>(["http://www.w3.org/2000/09/xmldsig#sha1", "http://www.w3.org/2001/04/xmlenc#sha256"]);
/** MGF of xmlenc11#rsa-oaep (absent = MGF1-SHA1). */
const ALLOWED_MGF = new Set<string>([`${XMLENC11}mgf1sha1`, `${XMLENC11}mgf1sha256`]);
const TYPE_ELEMENT = `${XMLENC}Element`;

/** What the SP metadata advertises (EncryptionMethod elements), strongest first. */
export const ADVERTISED_ENCRYPTION_METHODS: string[] = [
  CONTENT_ENCRYPTION.aes256Gcm,
  CONTENT_ENCRYPTION.aes128Gcm,
  KEY_TRANSPORT.rsaOaepMgf1p,
  KEY_TRANSPORT.rsaOaep,
];

/** Caps checked before any decryption: base64 characters of the content and of the wrapped key. */
export const MAX_ENCRYPTED_CONTENT_CHARS = 128 * 1024;
export const MAX_ENCRYPTED_KEY_CHARS = 1400; // RSA-8192 is 1366 base64 characters

type Inspected = { ok: true; cbc: boolean; contentAlgorithm: string; keyAlgorithm: string };

const oneChild = (parent: Element, ns: string, name: string): Element | null => {
  const found = children(parent, ns, name);
  return found.length === 1 ? found[0] : null;
};

/** Shape and algorithms of one EncryptedAssertion; nothing cryptographic runs here. */
export function inspectEncryptedAssertion(encrypted: Element): Inspected | SamlFailure {
  const malformed = (reason: string) => fail("SAML_MALFORMED", { reason });
  const data = oneChild(encrypted, XMLENC, "EncryptedData");
  if (!data) return malformed("EncryptedAssertion must hold exactly one xenc:EncryptedData");
  if (descendants(encrypted, "EncryptedData").length !== 1) return malformed("more than one EncryptedData");
  const type = attr(data, "Type");
  if (type !== null && type !== TYPE_ELEMENT) return malformed("EncryptedData must encrypt an Element");
  // Exactly one wrapped key, inside this EncryptedAssertion (in KeyInfo or beside EncryptedData): no key
  // is ever fetched from elsewhere in the message.
  const keys = descendants(encrypted, "EncryptedKey");
  if (keys.length !== 1 || keys[0].namespaceURI !== XMLENC) return malformed("EncryptedAssertion must hold exactly one xenc:EncryptedKey");
  const key = keys[0];
  const retrieval = descendants(encrypted, "RetrievalMethod");
  for (const r of retrieval) {
    const uri = attr(r, "URI") ?? "";
    if (!uri.startsWith("#") || uri.slice(1) !== attr(key, "Id"))
      return malformed("RetrievalMethod must point at the EncryptedKey in the assertion");
  }

  const contentMethod = oneChild(data, XMLENC, "EncryptionMethod");
  const contentAlgorithm = attr(contentMethod, "Algorithm") ?? "";
  if (!GCM.has(contentAlgorithm) && !CBC.has(contentAlgorithm))
    return fail("SAML_ENCRYPTION_ALGORITHM_NOT_ALLOWED", {
      kind: "content",
      actual: contentAlgorithm.slice(0, 120),
      expected: [...GCM, ...CBC],
    });
  const keyMethod = oneChild(key, XMLENC, "EncryptionMethod");
  const keyAlgorithm = attr(keyMethod, "Algorithm") ?? "";
  if (!keyMethod || !ALLOWED_KEY_TRANSPORT.has(keyAlgorithm))
    return fail("SAML_ENCRYPTION_ALGORITHM_NOT_ALLOWED", {
      kind: "key_transport",
      actual: keyAlgorithm.slice(0, 120),
      expected: [...ALLOWED_KEY_TRANSPORT],
    });
  for (const param of elementChildren(keyMethod)) {
    const alg = attr(param, "Algorithm") ?? "";
    if (param.localName === "DigestMethod" && param.namespaceURI === NS.dsig && ALLOWED_OAEP_DIGESTS.has(alg)) continue;
    if (param.localName === "MGF" && param.namespaceURI === XMLENC11 && keyAlgorithm === KEY_TRANSPORT.rsaOaep && ALLOWED_MGF.has(alg))
      continue;
    return fail("SAML_ENCRYPTION_ALGORITHM_NOT_ALLOWED", {
      kind: "key_transport_parameter",
      actual: `${param.localName} ${alg}`.slice(0, 160),
    });
  }

  const content = textOf(oneChild(oneChild(data, XMLENC, "CipherData") ?? data, XMLENC, "CipherValue"));
  const wrapped = textOf(oneChild(oneChild(key, XMLENC, "CipherData") ?? key, XMLENC, "CipherValue"));
  if (!content || !wrapped) return malformed("EncryptedData and EncryptedKey need a CipherData/CipherValue");
  if (content.length > MAX_ENCRYPTED_CONTENT_CHARS || wrapped.length > MAX_ENCRYPTED_KEY_CHARS)
    return fail("SAML_ENCRYPTED_TOO_LARGE", {
      maxContentChars: MAX_ENCRYPTED_CONTENT_CHARS,
      actualContentChars: content.length,
      maxKeyChars: MAX_ENCRYPTED_KEY_CHARS,
      actualKeyChars: wrapped.length,
    });
  return { ok: true, cbc: CBC.has(contentAlgorithm), contentAlgorithm, keyAlgorithm };
}

/** Decrypt with each key in turn; null when none opens it (the reason is never kept). */
function decryptWithAnyKey(encryptedXml: string, keysPem: string[], cbc: boolean): string | null {
  for (const key of keysPem) {
    let out: string | null = null;
    // xml-encryption's decrypt answers through its callback synchronously (RSA and AES on node:crypto);
    // if it ever became asynchronous, `out` stays null and the assertion is refused, never accepted.
    xmlenc.decrypt(encryptedXml, { key, disallowDecryptionWithInsecureAlgorithm: !cbc, warnInsecureAlgorithm: false }, (err, result) => {
      if (!err && typeof result === "string") out = result;
    });
    if (out !== null) return out;
  }
  return null;
}

export type OpenedAssertion = { ok: true; assertion: Element; response: Element | null; responseSigned: boolean };

/**
 * From a Response whose single assertion is `encrypted` (a direct child of `root`, parsed from `xml`) to
 * the assertion element the rest of the validator reads, or a failure. The result is always parsed from
 * bytes covered by a verified signature: the assertion's own, or the Response's over the ciphertext.
 */
export function openEncryptedAssertion(
  located: { root: Element; encrypted: Element; xml: string },
  expected: Pick<ExpectedResponse, "decryptionKeysPem" | "idpCertificatesPem" | "allowSha1">,
): OpenedAssertion | SamlFailure {
  const decryptionKeys = expected.decryptionKeysPem ?? [];
  if (decryptionKeys.length === 0) return fail("SAML_ENCRYPTED_UNSUPPORTED", {});
  const { root, xml } = located;
  const signatureKeys = trustedKeys(expected.idpCertificatesPem);

  // 1. A signed Response: verify it over the ciphertext first, then read the EncryptedAssertion from the signed bytes.
  const responseSigs = children(root, NS.dsig, "Signature");
  if (responseSigs.length > 1) return fail("SAML_SIGNATURE_INVALID", { reason: "more than one Signature on one element" });
  let response: Element | null = null;
  let encrypted = located.encrypted;
  if (responseSigs.length === 1) {
    const r = verifyEnvelopedSignature(xml, root, responseSigs[0], signatureKeys, expected.allowSha1);
    if (!r.ok) return r;
    response = r.element;
    const direct = children(response, NS.assertion, "EncryptedAssertion");
    if (direct.length !== 1 || descendants(response, "EncryptedAssertion").length !== 1 || descendants(response, "Assertion").length !== 0)
      return fail("SAML_SIGNATURE_INVALID", { reason: "the signed Response does not hold exactly one encrypted assertion" });
    encrypted = direct[0];
  }

  // 2. Allowlist and caps, then decrypt.
  const inspected = inspectEncryptedAssertion(encrypted);
  if (!inspected.ok) return inspected;
  const authenticated = response !== null;
  // Unauthenticated CBC: one answer for every failure until the inner signature has verified.
  const opaque = (f: SamlFailure): SamlFailure => (inspected.cbc && !authenticated ? fail("SAML_DECRYPTION_FAILED", {}) : f);
  const plaintext = decryptWithAnyKey(new XMLSerializer().serializeToString(encrypted), decryptionKeys, inspected.cbc);
  if (plaintext === null) return fail("SAML_DECRYPTION_FAILED", {});

  // 3. The plaintext must be exactly one Assertion element.
  let assertion: Element;
  try {
    assertion = parseXmlStrict(plaintext).documentElement as Element;
  } catch (e) {
    if (e instanceof XmlParseError && e.reason === "doctype")
      return opaque(fail("SAML_DOCTYPE_FORBIDDEN", { reason: "DTD inside the encrypted assertion" }));
    return fail("SAML_DECRYPTION_FAILED", {});
  }
  if (!isNamed(assertion, NS.assertion, "Assertion")) return fail("SAML_DECRYPTION_FAILED", {});
  if (descendants(assertion, "Assertion").length > 0 || descendants(assertion, "EncryptedAssertion").length > 0)
    return opaque(fail("SAML_MULTIPLE_ASSERTIONS", { reason: "an assertion nested inside the encrypted assertion" }));

  // 4. Its own signature (verified over the decrypted bytes), else the Response's (over the ciphertext).
  const assertionSigs = children(assertion, NS.dsig, "Signature");
  if (assertionSigs.length > 1) return opaque(fail("SAML_SIGNATURE_INVALID", { reason: "more than one Signature on one element" }));
  if (assertionSigs.length === 1) {
    const r = verifyEnvelopedSignature(plaintext, assertion, assertionSigs[0], signatureKeys, expected.allowSha1);
    if (!r.ok) return opaque(r);
    return { ok: true, assertion: r.element, response, responseSigned: authenticated };
  }
  if (!response) return opaque(fail("SAML_SIGNATURE_MISSING", { reason: "neither the Response nor the decrypted assertion is signed" }));
  if (inspected.cbc) return fail("SAML_ENCRYPTION_CBC_NEEDS_SIGNED_ASSERTION", { contentAlgorithm: inspected.contentAlgorithm });
  return { ok: true, assertion, response, responseSigned: true };
}
