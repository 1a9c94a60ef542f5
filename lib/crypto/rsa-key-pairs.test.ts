import { afterEach, describe, expect, it } from "vitest";
import { newRsaKeyPair, setTestRsaKeyPairSource } from "./rsa-key-pairs";

describe("RSA key pairs", () => {
  const vitestFlag = process.env.VITEST;
  afterEach(() => {
    process.env.VITEST = vitestFlag;
  });

  it("the test pool cannot be installed outside a Vitest run (no deployment shares keys)", () => {
    delete process.env.VITEST;
    expect(() => setTestRsaKeyPairSource(() => newRsaKeyPair())).toThrow(/test runs/);
  });

  it("in a test run, 64 consecutive key pairs are distinct RSA-2048 keys (the pool's promise to a test file)", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 64; i++) {
      const { publicKey, privateKey } = newRsaKeyPair();
      expect(publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
      expect(privateKey.type).toBe("private");
      seen.add(publicKey.export({ format: "jwk" }).n!);
    }
    expect(seen.size).toBe(64);
  });
});
