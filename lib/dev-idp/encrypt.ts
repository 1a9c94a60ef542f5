/**
 * The dev IdP's assertion encryption (xml-encryption): the Response's Assertion, signed or not, becomes
 * an EncryptedAssertion for the SP's published encryption certificate. Algorithms can be bent for tests.
 */
import crypto from "node:crypto";
import { DOMParser, XMLSerializer, type Element } from "@xmldom/xmldom";
import xmlenc from "xml-encryption";
import { NS } from "@/lib/saml/constants";
import { CONTENT_ENCRYPTION, KEY_TRANSPORT } from "@/lib/saml/encrypted-assertion";
import { toCertificatePem } from "@/lib/saml/certificates";
import { attr, descendants, parseXmlStrict, textOf } from "@/lib/saml/xml";

export type EncryptFor = {
  /** The SP's encryption certificate (from its metadata, `KeyDescriptor use="encryption"`). */
  certificatePem: string;
  /** Content algorithm URI (default AES-256-GCM). */
  contentAlgorithm?: string;
  /** Key transport URI (default RSA-OAEP-MGF1P). */
  keyAlgorithm?: string;
  /** OAEP digest (default SHA-1, the mgf1p classic). */
  keyDigest?: "sha1" | "sha256";
};

/** Encrypt `content` (an element's XML) into an xenc:EncryptedData with the key inside its KeyInfo. */
export function encryptXml(content: string, enc: EncryptFor): Promise<string> {
  const publicKey = new crypto.X509Certificate(enc.certificatePem).publicKey.export({ type: "spki", format: "pem" }).toString();
  return new Promise((resolve, reject) =>
    xmlenc.encrypt(
      content,
      {
        rsa_pub: publicKey,
        pem: enc.certificatePem,
        encryptionAlgorithm: enc.contentAlgorithm ?? CONTENT_ENCRYPTION.aes256Gcm,
        keyEncryptionAlgorithm: enc.keyAlgorithm ?? KEY_TRANSPORT.rsaOaepMgf1p,
        keyEncryptionDigest: enc.keyDigest ?? "sha1",
        // The dev IdP must be able to produce what a careless IdP sends (CBC, RSA 1.5) for the attack tests.
        disallowEncryptionWithInsecureAlgorithm: false,
        warnInsecureAlgorithm: false,
      },
      (err, result) => (err || !result ? reject(err ?? new Error("encryption failed")) : resolve(result)),
    ),
  );
}

/** Replace the Response's (first) Assertion by a saml:EncryptedAssertion holding it, encrypted. */
export async function encryptAssertionInResponse(responseXml: string, enc: EncryptFor): Promise<string> {
  const doc = new DOMParser().parseFromString(responseXml, "text/xml");
  const root = doc.documentElement as Element;
  const assertion = descendants(root, "Assertion", NS.assertion)[0];
  if (!assertion) throw new Error("encryptAssertionInResponse: no Assertion");
  const encryptedData = await encryptXml(new XMLSerializer().serializeToString(assertion), enc);
  const wrapper = new DOMParser().parseFromString(
    `<saml:EncryptedAssertion xmlns:saml="${NS.assertion}">${encryptedData}</saml:EncryptedAssertion>`,
    "text/xml",
  ).documentElement as Element;
  root.replaceChild(doc.importNode(wrapper, true), assertion);
  return new XMLSerializer().serializeToString(doc);
}

/** The first `KeyDescriptor use="encryption"` certificate of an SP's metadata (what an IdP encrypts to), or null. */
export function spEncryptionCertificateFromMetadata(spMetadataXml: string): string | null {
  const doc = parseXmlStrict(spMetadataXml);
  for (const sp of descendants(doc, "SPSSODescriptor", NS.metadata)) {
    for (const kd of descendants(sp, "KeyDescriptor", NS.metadata)) {
      if (attr(kd, "use") !== "encryption") continue;
      const body = textOf(descendants(kd, "X509Certificate", NS.dsig)[0]);
      if (body) return toCertificatePem(body);
    }
  }
  return null;
}
