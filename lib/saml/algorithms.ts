/**
 * Signature, digest and transform allowlists, and the few algorithms xml-crypto lacks (SHA-384,
 * ECDSA), implemented on node:crypto. Installed on each SignedXml instance we create.
 */
import crypto from "node:crypto";
import type { SignedXml, HashAlgorithm, SignatureAlgorithm } from "xml-crypto";

export const SIG_ALG = {
  rsaSha1: "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
  rsaSha256: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
  rsaSha384: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
  rsaSha512: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
  ecdsaSha256: "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
  ecdsaSha384: "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
  ecdsaSha512: "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512",
} as const;

export const DIGEST_ALG = {
  sha1: "http://www.w3.org/2000/09/xmldsig#sha1",
  sha256: "http://www.w3.org/2001/04/xmlenc#sha256",
  sha384: "http://www.w3.org/2001/04/xmldsig-more#sha384",
  sha512: "http://www.w3.org/2001/04/xmlenc#sha512",
} as const;

export const TRANSFORM = {
  enveloped: "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
  excC14n: "http://www.w3.org/2001/10/xml-exc-c14n#",
  excC14nWithComments: "http://www.w3.org/2001/10/xml-exc-c14n#WithComments",
  /** Inclusive C14N 1.0: a standard XML-DSig choice some IdP implementations make (interop). */
  c14n: "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
} as const;

export type SigAlgName = keyof typeof SIG_ALG;
export type DigestAlgName = keyof typeof DIGEST_ALG;

const STRONG_SIG = new Set<string>([
  SIG_ALG.rsaSha256,
  SIG_ALG.rsaSha384,
  SIG_ALG.rsaSha512,
  SIG_ALG.ecdsaSha256,
  SIG_ALG.ecdsaSha384,
  SIG_ALG.ecdsaSha512,
]);
const STRONG_DIGEST = new Set<string>([DIGEST_ALG.sha256, DIGEST_ALG.sha384, DIGEST_ALG.sha512]);
export const ALLOWED_C14N = new Set<string>([TRANSFORM.excC14n, TRANSFORM.excC14nWithComments, TRANSFORM.c14n]);
export const ALLOWED_TRANSFORMS = new Set<string>([TRANSFORM.enveloped, TRANSFORM.excC14n, TRANSFORM.excC14nWithComments, TRANSFORM.c14n]);

export function isAllowedSignatureAlgorithm(uri: string, allowSha1: boolean): boolean {
  return STRONG_SIG.has(uri) || (allowSha1 && uri === SIG_ALG.rsaSha1);
}

export function isAllowedDigestAlgorithm(uri: string, allowSha1: boolean): boolean {
  return STRONG_DIGEST.has(uri) || (allowSha1 && uri === DIGEST_ALG.sha1);
}

type Cb<T> = (err: Error | null, result?: T) => void;

function withOptionalCallback<A extends unknown[], T>(fn: (...args: A) => T) {
  return (...args: [...A] | [...A, Cb<T>]) => {
    const last = args[args.length - 1];
    if (typeof last === "function") {
      const cb = last as Cb<T>;
      try {
        cb(null, fn(...(args.slice(0, -1) as A)));
      } catch (e) {
        cb(e as Error);
      }
      return undefined as unknown as T;
    }
    return fn(...(args as A));
  };
}

function makeSignatureAlgorithm(uri: string, hash: string, ecdsa: boolean): new () => SignatureAlgorithm {
  const opts = (key: crypto.KeyLike) => (ecdsa ? { key, dsaEncoding: "ieee-p1363" as const } : key);
  return class {
    getAlgorithmName = () => uri;
    getSignature = withOptionalCallback((signedInfo: crypto.BinaryLike, privateKey: crypto.KeyLike) =>
      crypto.sign(hash, Buffer.from(signedInfo as string), opts(privateKey) as crypto.SignKeyObjectInput).toString("base64"),
    );
    verifySignature = withOptionalCallback((material: string, key: crypto.KeyLike, signatureValue: string) =>
      crypto.verify(hash, Buffer.from(material), opts(key) as crypto.VerifyKeyObjectInput, Buffer.from(signatureValue, "base64")),
    );
  } as unknown as new () => SignatureAlgorithm;
}

class Sha384 implements HashAlgorithm {
  getAlgorithmName = () => DIGEST_ALG.sha384;
  getHash = (xml: string) => crypto.createHash("sha384").update(xml, "utf8").digest("base64");
}

/** Register the extra algorithms on a SignedXml instance (signing or verifying). */
export function installAlgorithms(sig: SignedXml): void {
  sig.HashAlgorithms[DIGEST_ALG.sha384] = Sha384;
  sig.SignatureAlgorithms[SIG_ALG.rsaSha384] = makeSignatureAlgorithm(SIG_ALG.rsaSha384, "sha384", false);
  sig.SignatureAlgorithms[SIG_ALG.ecdsaSha256] = makeSignatureAlgorithm(SIG_ALG.ecdsaSha256, "sha256", true);
  sig.SignatureAlgorithms[SIG_ALG.ecdsaSha384] = makeSignatureAlgorithm(SIG_ALG.ecdsaSha384, "sha384", true);
  sig.SignatureAlgorithms[SIG_ALG.ecdsaSha512] = makeSignatureAlgorithm(SIG_ALG.ecdsaSha512, "sha512", true);
}
