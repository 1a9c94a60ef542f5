import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_SCRYPT_COST } from "@/lib/testing/vitest-worker-setup";
import { hashPassword, setTestScryptCost, verifyPassword } from "./password";

describe("password hashing (scrypt)", () => {
  // The real cost here (the worker setup lowers it for the other suites).
  beforeAll(() => setTestScryptCost(undefined));
  afterAll(() => setTestScryptCost(TEST_SCRYPT_COST));

  it("verifies the right password and refuses a wrong one", async () => {
    const stored = await hashPassword("correct horse battery staple");
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword("correct horse battery staple", stored)).toBe(true);
    expect(await verifyPassword("correct horse battery stapl", stored)).toBe(false);
  });

  it("salts every hash and rejects malformed stored values", async () => {
    expect(await hashPassword("same")).not.toBe(await hashPassword("same"));
    expect(await verifyPassword("x", "bcrypt$whatever")).toBe(false);
    expect(await verifyPassword("x", "")).toBe(false);
  });

  it("a hash made at the lower test cost still records its N, and verifying reads N from the stored value", async () => {
    setTestScryptCost(1 << 10);
    const cheap = await hashPassword("p4ssword");
    setTestScryptCost(undefined);
    expect(cheap).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await verifyPassword("p4ssword", cheap)).toBe(true);
    expect(await verifyPassword("p4ssw0rd", cheap)).toBe(false);
    expect(await hashPassword("p4ssword")).toMatch(/^scrypt\$32768\$/);
  });

  it("the lower cost cannot be set outside a Vitest run", () => {
    const flag = process.env.VITEST;
    delete process.env.VITEST;
    try {
      expect(() => setTestScryptCost(1 << 10)).toThrow(/test runs/);
    } finally {
      process.env.VITEST = flag;
    }
  });
});
