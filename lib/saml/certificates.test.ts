import { createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateSpKeyPair, parseCertificate } from "./certificates";

describe("generateSpKeyPair", () => {
  it("makes a self-signed SHA-256 certificate for its RSA-2048 key that OpenSSL verifies, valid for the asked days", () => {
    const now = new Date("2026-03-01T12:00:00.500Z");
    const pair = generateSpKeyPair({ commonName: "Gatehouse SP acme", validDays: 30, now });
    const x509 = new X509Certificate(pair.certificatePem);
    const publicKey = createPublicKey(createPrivateKey(pair.privateKeyPem));
    expect(x509.verify(publicKey)).toBe(true);
    expect(x509.publicKey.export({ format: "jwk" })).toEqual(publicKey.export({ format: "jwk" }));
    expect(x509.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(x509.subject).toBe("CN=Gatehouse SP acme");
    expect(new Date(x509.validFrom).toISOString()).toBe("2026-03-01T11:59:00.000Z");
    expect(pair.notAfter.toISOString()).toBe("2026-03-31T12:00:00.000Z");
    expect(parseCertificate(pair.certificatePem).notAfter).toBe(pair.notAfter.toISOString());
  });

  it("a certificate whose body was changed no longer verifies", () => {
    const pair = generateSpKeyPair({ commonName: "Gatehouse SP tamper" });
    const other = generateSpKeyPair({ commonName: "Gatehouse SP other" });
    const x509 = new X509Certificate(pair.certificatePem);
    expect(x509.verify(new X509Certificate(other.certificatePem).publicKey)).toBe(false);
  });
});
