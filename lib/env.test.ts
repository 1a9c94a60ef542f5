import os from "node:os";
import path from "node:path";
import { mkdtempSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EnvError, loadEnv } from "./env";

const tmp = () => mkdtempSync(path.join(os.tmpdir(), "gh-env-"));

describe("env", () => {
  it("defaults to development on embedded PGlite and keeps generated secrets in DATA_DIR", () => {
    const dir = tmp();
    const a = loadEnv({ DATA_DIR: dir });
    expect(a.appEnv).toBe("development");
    expect(a.databaseUrl).toBeUndefined();
    expect(a.appUrl).toBe("http://localhost:3000");
    expect(a.encryptionKey).toHaveLength(32);
    const b = loadEnv({ DATA_DIR: dir, PORT: "4000" });
    expect(b.authSecret).toBe(a.authSecret);
    expect(b.encryptionKey.equals(a.encryptionKey)).toBe(true);
    expect(b.appUrl).toBe("http://localhost:4000");
    expect(JSON.parse(readFileSync(path.join(dir, "secrets.json"), "utf8")).authSecret).toBe(a.authSecret);
  });

  it("requires APP_URL, AUTH_SECRET and ENCRYPTION_KEY in production, naming the variable", () => {
    const base = { DATABASE_URL: "postgres://x@localhost/db", DATA_DIR: tmp() };
    expect(() => loadEnv(base)).toThrow(EnvError);
    expect(() => loadEnv(base)).toThrow(/APP_URL/);
    expect(() => loadEnv({ ...base, APP_URL: "https://sso.example.com" })).toThrow(/AUTH_SECRET/);
    expect(() => loadEnv({ ...base, APP_URL: "https://sso.example.com", AUTH_SECRET: "x".repeat(40) })).toThrow(/ENCRYPTION_KEY/);
    const ok = loadEnv({ ...base, APP_URL: "https://sso.example.com/", AUTH_SECRET: "x".repeat(40), ENCRYPTION_KEY: "ab".repeat(32) });
    expect(ok.isProduction).toBe(true);
    expect(ok.appUrl).toBe("https://sso.example.com");
    expect(ok.secureCookies).toBe(true);
    expect(ok.allowPrivateMetadataUrls).toBe(false);
  });

  it("rejects malformed values with the variable's name", () => {
    expect(() => loadEnv({ DATA_DIR: tmp(), DATABASE_URL: "mysql://nope" })).toThrow(/DATABASE_URL/);
    expect(() => loadEnv({ DATA_DIR: tmp(), ENCRYPTION_KEY: "short" })).toThrow(/ENCRYPTION_KEY/);
    expect(() => loadEnv({ DATA_DIR: tmp(), PORT: "99999" })).toThrow(/PORT/);
  });
});
