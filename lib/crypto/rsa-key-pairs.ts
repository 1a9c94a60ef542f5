import { generateKeyPairSync, type KeyObject } from "node:crypto";

/** An RSA-2048 key pair: SP signing and encryption keys, OIDC signing keys, the development IdP's key. */
export type RsaKeyPair = { privateKey: KeyObject; publicKey: KeyObject };

let testSource: (() => RsaKeyPair) | undefined;

/** A new RSA-2048 key pair from node:crypto (OpenSSL). */
export function newRsaKeyPair(): RsaKeyPair {
  return testSource ? testSource() : generateKeyPairSync("rsa", { modulusLength: 2048 });
}

/**
 * Test runs only: take key pairs from `next` instead of generating each one (RSA-2048 generation is
 * 100–150 ms of CPU, and the suites make thousands of workspaces and connections). The test pool
 * (lib/testing/rsa-key-pool.ts) hands out real keys generated once per machine, distinct within a
 * file. Refused outside Vitest, so no deployment can ever share keys between workspaces.
 */
export function setTestRsaKeyPairSource(next: () => RsaKeyPair): void {
  if (process.env.VITEST !== "true") throw new Error("setTestRsaKeyPairSource is for test runs (Vitest) only");
  testSource = next;
}
