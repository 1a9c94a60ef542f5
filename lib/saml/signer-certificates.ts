/**
 * Certificates as the console shows them when a signature fails: SHA-256 fingerprint and subject of
 * the configured certificates, and of the certificate(s) a response's KeyInfo carries. KeyInfo is
 * attacker-controlled and never trusted for verification; it is read here for display only.
 */
import crypto from "node:crypto";
import type { Element } from "@xmldom/xmldom";
import { toCertificatePem } from "./certificates";
import { NS } from "./constants";
import { descendants, textOf } from "./xml";

export type CertificateSummary = { fingerprintSha256: string; subject: string };

/** At most this many certificates are described (a response may carry many). */
const MAX = 3;

function summarize(pemOrBase64: string): CertificateSummary | null {
  try {
    const x = new crypto.X509Certificate(toCertificatePem(pemOrBase64));
    return { fingerprintSha256: x.fingerprint256, subject: x.subject.split("\n").filter(Boolean).join(", ").slice(0, 200) };
  } catch {
    return null;
  }
}

function distinct(list: (CertificateSummary | null)[]): CertificateSummary[] {
  const seen = new Set<string>();
  const out: CertificateSummary[] = [];
  for (const c of list) {
    if (!c || seen.has(c.fingerprintSha256)) continue;
    seen.add(c.fingerprintSha256);
    out.push(c);
  }
  return out.slice(0, MAX);
}

/** The configured (trusted) certificates. */
export function describeCertificates(certsPem: readonly string[]): CertificateSummary[] {
  return distinct(certsPem.slice(0, MAX).map(summarize));
}

/** The certificates in the KeyInfo of the document's signatures (untrusted: display only). */
export function keyInfoCertificates(root: Element): CertificateSummary[] {
  const texts = descendants(root, "X509Certificate", NS.dsig)
    .slice(0, MAX)
    .map((el) => textOf(el) ?? "");
  return distinct(texts.filter((t) => t.length > 0 && t.length < 20_000).map(summarize));
}
