import os from "node:os";
import path from "node:path";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { emailStartupNotice, EnvError, isLoopbackUrl, loadEnv } from "./env";

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
    expect(ok.allowPrivateOutboundUrls).toBe(false);
  });

  it("rejects malformed values with the variable's name", () => {
    expect(() => loadEnv({ DATA_DIR: tmp(), DATABASE_URL: "mysql://nope" })).toThrow(/DATABASE_URL/);
    expect(() => loadEnv({ DATA_DIR: tmp(), ENCRYPTION_KEY: "short" })).toThrow(/ENCRYPTION_KEY/);
    expect(() => loadEnv({ DATA_DIR: tmp(), PORT: "99999" })).toThrow(/PORT/);
  });

  it("an embedded start on a public APP_URL is not development: production rules, with a message naming what to set", () => {
    const dir = tmp();
    // The exposed case of the issue: `npm install && npm start` on a server with a public APP_URL.
    const publicUrl = { DATA_DIR: dir, APP_URL: "https://sso.example.com" };
    expect(() => loadEnv(publicUrl)).toThrow(EnvError);
    expect(() => loadEnv(publicUrl)).toThrow(
      /APP_URL \(https:\/\/sso\.example\.com\) is not a loopback address: set AUTH_SECRET, ENCRYPTION_KEY/,
    );
    expect(() => loadEnv(publicUrl)).toThrow(/APP_ENV=development/);
    const prod = loadEnv({ ...publicUrl, AUTH_SECRET: "y".repeat(40), ENCRYPTION_KEY: "cd".repeat(32) });
    expect(prod).toMatchObject({ appEnv: "production", isProduction: true, allowPrivateOutboundUrls: false });
    expect(existsSync(path.join(dir, "secrets.json"))).toBe(false); // no generated secrets
    // A LAN address is not loopback either.
    expect(() => loadEnv({ DATA_DIR: tmp(), APP_URL: "http://192.168.1.20:3000" })).toThrow(/is not a loopback address/);
  });

  it("development only on loopback APP_URLs (or APP_ENV=development explicitly)", () => {
    for (const url of [
      undefined,
      "http://localhost:3000",
      "http://127.0.0.1:3000",
      "http://[::1]:3000",
      "http://gatehouse.localhost:8080",
    ]) {
      const e = loadEnv({ DATA_DIR: tmp(), ...(url ? { APP_URL: url } : {}) });
      expect([url, e.appEnv, e.allowPrivateOutboundUrls]).toEqual([url, "development", true]);
    }
    const explicit = loadEnv({ DATA_DIR: tmp(), APP_URL: "https://demo.example.com", APP_ENV: "development" });
    expect(explicit.appEnv).toBe("development");
    expect(isLoopbackUrl("http://localhost.evil.test")).toBe(false);
    expect(isLoopbackUrl("http://127.0.0.1.nip.io")).toBe(false);
  });

  it("TRUST_PROXY: false, true (one proxy) or a hop count; anything else names the variable", () => {
    const base = { DATA_DIR: tmp() };
    expect(loadEnv(base).trustProxyHops).toBe(0);
    expect(loadEnv({ ...base, TRUST_PROXY: "false" }).trustProxyHops).toBe(0);
    expect(loadEnv({ ...base, TRUST_PROXY: "true" }).trustProxyHops).toBe(1);
    expect(loadEnv({ ...base, TRUST_PROXY: "2" }).trustProxyHops).toBe(2);
    expect(() => loadEnv({ ...base, TRUST_PROXY: "yes" })).toThrow(/TRUST_PROXY/);
  });

  it("ALLOW_PRIVATE_OUTBOUND_URLS, with ALLOW_PRIVATE_METADATA_URLS as its deprecated alias; SSO_EVENT_RETENTION_DAYS defaults to 90", () => {
    const base = { DATA_DIR: tmp() };
    expect(loadEnv({ ...base, ALLOW_PRIVATE_OUTBOUND_URLS: "false" }).allowPrivateOutboundUrls).toBe(false);
    expect(loadEnv({ ...base, ALLOW_PRIVATE_METADATA_URLS: "false" }).allowPrivateOutboundUrls).toBe(false);
    expect(loadEnv({ ...base, ALLOW_PRIVATE_OUTBOUND_URLS: "true", ALLOW_PRIVATE_METADATA_URLS: "false" }).allowPrivateOutboundUrls).toBe(
      true,
    );
    expect(loadEnv(base).ssoEventRetentionDays).toBe(90);
    expect(loadEnv({ ...base, SSO_EVENT_RETENTION_DAYS: "30" }).ssoEventRetentionDays).toBe(30);
    expect(() => loadEnv({ ...base, SSO_EVENT_RETENTION_DAYS: "0" })).toThrow(/SSO_EVENT_RETENTION_DAYS/);
  });

  it("SMTP_URL and EMAIL_FROM: development captures mail at /dev/mail; production without SMTP_URL starts with a notice; SMTP_URL without EMAIL_FROM or a malformed URL refuses to start", () => {
    const dev = loadEnv({ DATA_DIR: tmp() });
    expect(dev.smtpUrl).toBeUndefined();
    expect(dev.emailFrom).toBe("Gatehouse <gatehouse@localhost>");
    expect(emailStartupNotice(dev)).toContain("http://localhost:3000/dev/mail");
    const prod = {
      APP_URL: "https://sso.example.com",
      AUTH_SECRET: "x".repeat(40),
      ENCRYPTION_KEY: "a".repeat(64),
      DATA_DIR: tmp(),
    };
    const off = loadEnv(prod);
    expect(emailStartupNotice(off)).toMatch(/Email is off: SMTP_URL is not set.*Set SMTP_URL and EMAIL_FROM/);
    expect(() => loadEnv({ ...prod, SMTP_URL: "smtps://u:p@smtp.example.com:465" })).toThrow(/EMAIL_FROM/);
    expect(() => loadEnv({ ...prod, SMTP_URL: "smtps://u:p@smtp.example.com:465" })).not.toThrow(/u:p/);
    const on = loadEnv({ ...prod, SMTP_URL: "smtps://u:p@smtp.example.com:465", EMAIL_FROM: "Acme SSO <sso@example.com>" });
    expect(on).toMatchObject({ smtpUrl: "smtps://u:p@smtp.example.com:465", emailFrom: "Acme SSO <sso@example.com>" });
    expect(emailStartupNotice(on)).toBeNull();
    expect(() => loadEnv({ ...prod, SMTP_URL: "http://smtp.example.com" })).toThrow(/SMTP_URL: must be an smtp/);
    expect(() => loadEnv({ ...prod, SMTP_URL: "smtps://u:p@smtp.example.com", EMAIL_FROM: "x@y\r\nBcc: z@w" })).toThrow(/EMAIL_FROM/);
  });
});
