/** X.509 certificates: parse/normalise IdP certs, and generate self-signed SP signing key pairs. */
import crypto from "node:crypto";
import forge from "node-forge";
import { newRsaKeyPair } from "@/lib/crypto/rsa-key-pairs";
import type { CertificateInfo } from "./types";

/** Base64 body of a PEM (or bare base64) certificate, whitespace removed. */
export function certificateBody(pemOrBase64: string): string {
  return pemOrBase64
    .replace(/-----BEGIN CERTIFICATE-----/g, "")
    .replace(/-----END CERTIFICATE-----/g, "")
    .replace(/\s+/g, "");
}

export function toCertificatePem(pemOrBase64: string): string {
  const body = certificateBody(pemOrBase64);
  return `-----BEGIN CERTIFICATE-----\n${body.match(/.{1,64}/g)?.join("\n") ?? ""}\n-----END CERTIFICATE-----\n`;
}

/** Parse a PEM or bare-base64 certificate. Throws on anything that is not one X.509 certificate. */
export function parseCertificate(pemOrBase64: string): CertificateInfo {
  if (typeof pemOrBase64 !== "string") throw new Error("certificate must be a string");
  const body = certificateBody(pemOrBase64);
  if (!body || !/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw new Error("certificate is not PEM or base64");
  const pem = toCertificatePem(body);
  const x509 = new crypto.X509Certificate(pem);
  const notBefore = new Date(x509.validFrom);
  const notAfter = new Date(x509.validTo);
  if (Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime())) throw new Error("certificate validity is unreadable");
  return {
    pem,
    subject: x509.subject.split("\n").filter(Boolean).join(", "),
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    fingerprintSha256: x509.fingerprint256,
  };
}

export type SpKeyPair = { privateKeyPem: string; certificatePem: string; notAfter: Date };

/** RSA-2048 key (node:crypto) and a self-signed SHA-256 certificate (laid out by node-forge, signed by OpenSSL). */
export function generateSpKeyPair({
  commonName,
  validDays = 3650,
  now = new Date(),
}: {
  commonName: string;
  validDays?: number;
  now?: Date;
}): SpKeyPair {
  const { privateKey, publicKey } = newRsaKeyPair();
  const privateKeyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString());
  cert.serialNumber = "01" + crypto.randomBytes(15).toString("hex");
  const notBefore = new Date(now.getTime() - 60_000);
  const notAfter = new Date(now.getTime() + validDays * 86_400_000);
  notBefore.setMilliseconds(0);
  notAfter.setMilliseconds(0);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  const attrs = [{ name: "commonName", value: commonName.slice(0, 64) }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, nonRepudiation: true },
  ]);
  signWithOpenSsl(cert, privateKey);
  return { privateKeyPem, certificatePem: forge.pki.certificateToPem(cert).replace(/\r\n/g, "\n"), notAfter };
}

/**
 * `cert.sign` with the RSA signature made by OpenSSL (node:crypto) instead of forge's JavaScript
 * bignums (about 30 ms per certificate): forge builds the TBSCertificate DER and feeds it to the
 * digest; we keep those bytes and sign them with SHA-256 + PKCS#1 v1.5, the algorithm forge records
 * (sha256WithRSAEncryption) for a SHA-256 digest.
 */
function signWithOpenSsl(cert: forge.pki.Certificate, privateKey: crypto.KeyObject): void {
  const md = forge.md.sha256.create();
  const feed = md.update.bind(md);
  let tbs = "";
  md.update = (bytes, encoding) => {
    tbs += bytes;
    return feed(bytes, encoding);
  };
  const signer = { sign: () => crypto.sign("sha256", Buffer.from(tbs, "binary"), privateKey).toString("binary") };
  cert.sign(signer as unknown as forge.pki.rsa.PrivateKey, md);
}
