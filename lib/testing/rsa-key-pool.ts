import { createPrivateKey, createPublicKey, generateKeyPair } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { setTestRsaKeyPairSource, type RsaKeyPair } from "@/lib/crypto/rsa-key-pairs";
import { madeOnce } from "./made-once";

/** Env var naming the run's pool file (set by the global setup, read by every worker). */
export const RSA_KEY_POOL_ENV = "GATEHOUSE_TEST_RSA_KEY_POOL";

/**
 * Any POOL_SIZE consecutive keys a worker hands out are distinct: far more than one test file makes
 * (the takeover suite, one of the largest, makes 34), so two connections of one test never share a key.
 */
const POOL_SIZE = 64;

/**
 * The pool file: POOL_SIZE real RSA-2048 key pairs (PKCS#8 PEM), generated once per machine (about
 * 4 s on two cores) and kept in the temp directory, like the database templates.
 */
export function ensureRsaKeyPoolFile(): Promise<string> {
  return madeOnce(path.join(os.tmpdir(), `gatehouse-test-rsa-keys-v1-${POOL_SIZE}.json`), async (tmp) => {
    const generate = promisify(generateKeyPair);
    const pems = await Promise.all(
      Array.from({ length: POOL_SIZE }, async () => {
        const { privateKey } = await generate("rsa", { modulusLength: 2048 });
        return privateKey.export({ type: "pkcs8", format: "pem" }).toString();
      }),
    );
    writeFileSync(tmp, JSON.stringify(pems));
  });
}

let installed = false;
/** In a test worker: new RSA key pairs come from the pool, round robin (lib/crypto/rsa-key-pairs.ts). */
export function installRsaKeyPool(file = process.env[RSA_KEY_POOL_ENV]): void {
  if (installed || !file) return;
  const pems = JSON.parse(readFileSync(file, "utf8")) as string[];
  if (pems.length !== POOL_SIZE) throw new Error(`${file}: expected ${POOL_SIZE} keys`);
  const pairs: (RsaKeyPair | undefined)[] = [];
  let next = 0;
  setTestRsaKeyPairSource(() => {
    const i = next++ % POOL_SIZE;
    if (!pairs[i]) {
      const privateKey = createPrivateKey(pems[i]!);
      pairs[i] = { privateKey, publicKey: createPublicKey(privateKey) };
    }
    return pairs[i]!;
  });
  installed = true;
}
