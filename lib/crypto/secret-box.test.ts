import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { openSecret, sealSecret } from "./secret-box";

describe("secret-box", () => {
  const key = randomBytes(32);

  it("round-trips and uses a fresh IV each time", () => {
    const a = sealSecret("-----BEGIN PRIVATE KEY-----\nabc\n", key);
    const b = sealSecret("-----BEGIN PRIVATE KEY-----\nabc\n", key);
    expect(a).not.toEqual(b);
    expect(a.startsWith("v1:")).toBe(true);
    expect(openSecret(a, key)).toBe("-----BEGIN PRIVATE KEY-----\nabc\n");
  });

  it("detects tampering with ciphertext, tag or IV", () => {
    const sealed = sealSecret("secret value", key);
    const [v, iv, tag, ct] = sealed.split(":") as [string, string, string, string];
    const flip = (s: string) => {
      const buf = Buffer.from(s, "base64url");
      buf[0] = buf[0]! ^ 1;
      return buf.toString("base64url");
    };
    expect(() => openSecret([v, iv, tag, flip(ct)].join(":"), key)).toThrow();
    expect(() => openSecret([v, iv, flip(tag), ct].join(":"), key)).toThrow();
    expect(() => openSecret([v, flip(iv), tag, ct].join(":"), key)).toThrow();
    expect(() => openSecret("v2:" + [iv, tag, ct].join(":"), key)).toThrow();
  });

  it("refuses another key", () => {
    const sealed = sealSecret("secret value", key);
    expect(() => openSecret(sealed, randomBytes(32))).toThrow();
  });

  it("defaults to env().encryptionKey", () => {
    expect(openSecret(sealSecret("x"))).toBe("x");
  });
});
