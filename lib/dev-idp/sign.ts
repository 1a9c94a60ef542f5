/** Signs SAML Response XML with xml-crypto: assertion, response, both, or none. */
import { SignedXml } from "xml-crypto";
import { NS } from "@/lib/saml/constants";
import { children, descendants, parseXmlStrict } from "@/lib/saml/xml";
import { DIGEST_ALG, SIG_ALG, TRANSFORM, installAlgorithms, type DigestAlgName, type SigAlgName } from "@/lib/saml/algorithms";

export type SignMode = "assertion" | "response" | "both" | "none";

export type SignOptions = {
  mode: SignMode;
  privateKeyPem: string;
  certificatePem: string;
  /** A key of SIG_ALG (e.g. "rsaSha256") or an algorithm URI. */
  sigAlg?: SigAlgName | string;
  digestAlg?: DigestAlgName | string;
  /** Signature element prefix ("ds" by default; null for a default-namespace Signature, as Entra does). */
  signaturePrefix?: string | null;
  /** Transforms for the reference (default: enveloped + exc-c14n). */
  transforms?: string[];
  canonicalization?: string;
};

const resolve = <T extends Record<string, string>>(table: T, v: string | undefined, fallback: string) =>
  v === undefined ? fallback : (table[v as keyof T] ?? v);

const ASSERTION = "//*[local-name(.)='Assertion' and namespace-uri(.)='urn:oasis:names:tc:SAML:2.0:assertion']";
const ROOT = "/*[local-name(.)='Response']";

function signOne(xml: string, opts: SignOptions, target: string): string {
  const sig = new SignedXml({
    privateKey: opts.privateKeyPem,
    publicCert: opts.certificatePem,
    signatureAlgorithm: resolve(SIG_ALG, opts.sigAlg, SIG_ALG.rsaSha256),
    canonicalizationAlgorithm: opts.canonicalization ?? TRANSFORM.excC14n,
  });
  installAlgorithms(sig);
  sig.addReference({
    xpath: target,
    transforms: opts.transforms ?? [TRANSFORM.enveloped, TRANSFORM.excC14n],
    digestAlgorithm: resolve(DIGEST_ALG, opts.digestAlg, DIGEST_ALG.sha256),
  });
  const issuer = `${target}/*[local-name(.)='Issuer']`;
  const doc = parseXmlStrict(xml);
  const el = target === ROOT ? doc.documentElement : descendants(doc, "Assertion", NS.assertion)[0];
  const hasIssuer = !!el && children(el, NS.assertion, "Issuer").length > 0;
  const location = hasIssuer ? { reference: issuer, action: "after" as const } : { reference: target, action: "prepend" as const };
  const prefix = opts.signaturePrefix === undefined ? "ds" : opts.signaturePrefix;
  sig.computeSignature(xml, { ...(prefix ? { prefix } : {}), location });
  return sig.getSignedXml();
}

export function signResponseXml(xml: string, opts: SignOptions): string {
  let out = xml;
  if (opts.mode === "assertion" || opts.mode === "both") out = signOne(out, opts, ASSERTION);
  if (opts.mode === "response" || opts.mode === "both") out = signOne(out, opts, ROOT);
  return out;
}
