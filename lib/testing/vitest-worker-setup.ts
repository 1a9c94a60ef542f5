import { setTestScryptCost } from "@/lib/auth/password";
import { installRsaKeyPool } from "./rsa-key-pool";

/** scrypt cost for passwords hashed in tests (production: 2^15; lib/auth/password.test.ts checks that one). */
export const TEST_SCRYPT_COST = 1 << 10;

/**
 * Vitest setup file (before each test file, in its worker): RSA key pairs come from the run's pool,
 * and passwords hash at a lower scrypt cost. Both only make setup cheaper: the keys are real and
 * distinct within a file, and a hash still records its cost.
 */
installRsaKeyPool();
setTestScryptCost(TEST_SCRYPT_COST);
