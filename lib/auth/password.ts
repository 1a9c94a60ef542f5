import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";

/**
 * Passwords: scrypt (memory-hard, from Node's OpenSSL-backed crypto), 16-byte salt, 64-byte key.
 * Stored as `scrypt$N$r$p$<salt b64url>$<hash b64url>` so parameters can be raised later.
 */
export const SCRYPT_PARAMS = { N: 1 << 15, r: 8, p: 1 } as const;
const KEYLEN = 64;
let testCost: number | undefined;

/**
 * Test runs only: hash new passwords with cost N (the worker setup uses 2^10, about 1 ms instead of
 * 60–100 ms, so the throttling suites' hundreds of checks stay quick); `undefined` restores the real
 * cost. The stored hash still records N, and verifying reads it from there. Refused outside Vitest.
 */
export function setTestScryptCost(n: number | undefined): void {
  if (process.env.VITEST !== "true") throw new Error("setTestScryptCost is for test runs (Vitest) only");
  testCost = n;
}

function scrypt(password: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize("NFKC"), salt, KEYLEN, { ...opts, maxmem: 256 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const params = testCost ? { ...SCRYPT_PARAMS, N: testCost } : SCRYPT_PARAMS;
  const key = await scrypt(password, salt, params);
  return ["scrypt", params.N, params.r, params.p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split("$");
  if (alg !== "scrypt" || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64url");
  const key = await scrypt(password, Buffer.from(salt, "base64url"), { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

let dummy: Promise<string> | undefined;
/** Spend the same time as a real check when the account does not exist (no user enumeration by timing). */
export async function burnPasswordCheck(password: string): Promise<void> {
  dummy ??= hashPassword("gatehouse-dummy-password");
  await verifyPassword(password, await dummy);
}

export function generatePassword(): string {
  return randomBytes(15).toString("base64url");
}
