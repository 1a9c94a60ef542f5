import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { env } from "@/lib/env";

/**
 * Secrets at rest (SP private keys): AES-256-GCM with ENCRYPTION_KEY.
 * Format "v1:<iv>:<tag>:<ciphertext>", each part base64url. Tampering fails the GCM tag check.
 */
const VERSION = "v1";

export function sealSecret(plaintext: string, key: Buffer = env().encryptionKey): string {
  assertKey(key);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(VERSION));
  const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString("base64url"), tag.toString("base64url"), ct.toString("base64url")].join(":");
}

export function openSecret(sealed: string, key: Buffer = env().encryptionKey): string {
  assertKey(key);
  const parts = sealed.split(":");
  if (parts.length !== 4 || parts[0] !== VERSION) throw new Error("secret-box: unknown format");
  const [, ivText, tagText, ctText] = parts as [string, string, string, string];
  const iv = Buffer.from(ivText, "base64url");
  const tag = Buffer.from(tagText, "base64url");
  if (iv.length !== 12 || tag.length !== 16) throw new Error("secret-box: malformed");
  const decipher = createDecipheriv("aes-256-gcm", key, iv);
  decipher.setAAD(Buffer.from(VERSION));
  decipher.setAuthTag(tag);
  // final() throws when the ciphertext, IV, tag or key do not match.
  return Buffer.concat([decipher.update(Buffer.from(ctText, "base64url")), decipher.final()]).toString("utf8");
}

function assertKey(key: Buffer) {
  if (key.length !== 32) throw new Error("secret-box: ENCRYPTION_KEY must be 32 bytes");
}
