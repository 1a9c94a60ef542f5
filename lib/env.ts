import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/**
 * The only reader of process.env. Parsed lazily at run time (never at build time) and cached.
 *
 * Modes: APP_ENV=development|test|production. Unset: development only when the app can be reached on
 * this machine alone — APP_URL is loopback (localhost, 127.0.0.1, [::1]; unset means
 * http://localhost:PORT) and there is no DATABASE_URL (the newcomer's `npm install && npm start`).
 * Anything else runs by production rules (no demo seed, no /dev/idp, SSRF guard on, secrets required)
 * unless APP_ENV=development is set explicitly.
 */

const schema = z.object({
  APP_ENV: z.enum(["development", "test", "production"]).optional(),
  APP_URL: z.string().url().optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional(),
  DATABASE_PREPARED_STATEMENTS: z.enum(["true", "false"]).default("true"),
  DATA_DIR: z.string().optional(),
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  ENCRYPTION_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$|^[A-Za-z0-9+/]{43}=$/, "must be 32 bytes as 64 hex characters or base64")
    .optional(),
  DNS_SERVERS: z.string().optional(),
  TRUST_PROXY: z
    .string()
    .regex(/^(true|false|\d{1,2})$/, "must be false, true (one proxy) or the number of trusted proxies (e.g. 2)")
    .default("false"),
  SAML_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(300).default(120),
  METADATA_TTL_SECONDS: z.coerce.number().int().min(10).default(900),
  ALLOW_PRIVATE_OUTBOUND_URLS: z.enum(["true", "false"]).optional(),
  /** Deprecated alias of ALLOW_PRIVATE_OUTBOUND_URLS. */
  ALLOW_PRIVATE_METADATA_URLS: z.enum(["true", "false"]).optional(),
  SSO_EVENT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, "must be an smtp:// or smtps:// URL, e.g. smtps://user:password@smtp.example.com:465")
    .optional(),
  EMAIL_FROM: z
    .string()
    .max(300)
    .regex(/^[^\r\n]*@[^\r\n]*$/, 'must be an address, e.g. "Gatehouse <sso@example.com>"')
    .optional(),
});

export type AppEnv = {
  appEnv: "development" | "test" | "production";
  isProduction: boolean;
  appUrl: string;
  port: number;
  databaseUrl: string | undefined;
  /** Prepare statements on Postgres (off behind PgBouncer transaction pooling without prepared-statement support). */
  databasePreparedStatements: boolean;
  dataDir: string;
  authSecret: string;
  encryptionKey: Buffer;
  dnsServers: string[] | undefined;
  /** How many proxies in front of the app append to X-Forwarded-For (0: the socket address is the client). */
  trustProxyHops: number;
  samlClockSkewSeconds: number;
  metadataTtlSeconds: number;
  /** Outbound HTTP (IdP metadata, later webhooks and back-channel calls) may reach private and loopback addresses. */
  allowPrivateOutboundUrls: boolean;
  ssoEventRetentionDays: number;
  secureCookies: boolean;
  logLevel: "debug" | "info" | "warn" | "error";
  /** Outgoing email through this SMTP server; unset: captured in the outbox (/dev/mail) outside production, not sent in production. */
  smtpUrl: string | undefined;
  /** The From header of every email. */
  emailFrom: string;
};

export class EnvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EnvError";
  }
}

let cached: AppEnv | undefined;

export function env(): AppEnv {
  if (!cached) {
    cached = loadEnv(process.env);
    // next-auth builds its callback and sign-out URLs from NEXTAUTH_URL: keep it equal to APP_URL.
    process.env.NEXTAUTH_URL = cached.appUrl;
  }
  return cached;
}

/** For tests: forget the parsed environment so the next env() call reads it again. */
export function resetEnvForTests(): void {
  cached = undefined;
}

export function loadEnv(source: Record<string, string | undefined>): AppEnv {
  const raw = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new EnvError(`Invalid environment variable ${String(issue.path[0])}: ${issue.message}`);
  }
  const e = parsed.data;
  const appUrl = (e.APP_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, "");
  const local = isLoopbackUrl(appUrl) && !e.DATABASE_URL;
  const appEnv = e.APP_ENV ?? (local ? "development" : "production");
  const isProduction = appEnv === "production";
  const dataDir = path.resolve(/*turbopackIgnore: true*/ process.cwd(), e.DATA_DIR ?? ".data");

  if (isProduction) {
    const missing = (["APP_URL", "AUTH_SECRET", "ENCRYPTION_KEY"] as const).filter((name) => !e[name]);
    if (missing.length)
      throw new EnvError(productionMessage(missing, { explicit: !!e.APP_ENV, appUrl: e.APP_URL, databaseUrl: !!e.DATABASE_URL }));
  }
  if (isProduction && e.SMTP_URL && !e.EMAIL_FROM)
    throw new EnvError(
      'SMTP_URL is set but EMAIL_FROM is not: set EMAIL_FROM to the sender address, e.g. EMAIL_FROM="Gatehouse <sso@example.com>" (see README "Email").',
    );
  const secrets = isProduction ? undefined : devSecrets(dataDir);
  const keyText = e.ENCRYPTION_KEY ?? secrets!.encryptionKey;
  const encryptionKey = /^[0-9a-fA-F]{64}$/.test(keyText) ? Buffer.from(keyText, "hex") : Buffer.from(keyText, "base64");

  return {
    appEnv,
    isProduction,
    appUrl,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    databasePreparedStatements: e.DATABASE_PREPARED_STATEMENTS === "true",
    dataDir,
    authSecret: e.AUTH_SECRET ?? secrets!.authSecret,
    encryptionKey,
    dnsServers: e.DNS_SERVERS?.split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    trustProxyHops: e.TRUST_PROXY === "true" ? 1 : e.TRUST_PROXY === "false" ? 0 : Number(e.TRUST_PROXY),
    samlClockSkewSeconds: e.SAML_CLOCK_SKEW_SECONDS,
    metadataTtlSeconds: e.METADATA_TTL_SECONDS,
    allowPrivateOutboundUrls:
      (e.ALLOW_PRIVATE_OUTBOUND_URLS ?? e.ALLOW_PRIVATE_METADATA_URLS ?? (isProduction ? "false" : "true")) === "true",
    ssoEventRetentionDays: e.SSO_EVENT_RETENTION_DAYS,
    secureCookies: appUrl.startsWith("https://"),
    logLevel: e.LOG_LEVEL,
    smtpUrl: e.SMTP_URL,
    emailFrom: e.EMAIL_FROM ?? `Gatehouse <gatehouse@${safeHostname(appUrl)}>`,
  };
}

function safeHostname(url: string): string {
  try {
    return new URL(url).hostname.replace(/^\[|\]$/g, "") || "localhost";
  } catch {
    return "localhost";
  }
}

/**
 * The one-line notice printed at start when email cannot go out (production without SMTP_URL), or
 * where it goes instead (development: captured, read at /dev/mail). Null when SMTP is configured.
 */
export function emailStartupNotice(e: AppEnv): string | null {
  if (e.smtpUrl) return null;
  if (e.isProduction)
    return 'Email is off: SMTP_URL is not set, so invitations, password resets and owner notices are queued but not sent (invitation links can still be copied in the console). Set SMTP_URL and EMAIL_FROM (see README "Email").';
  return `Email is captured, not sent (no SMTP_URL): read it at ${e.appUrl}/dev/mail.`;
}

/** APP_URL names this machine only: localhost (or a .localhost name), 127.0.0.0/8 or [::1]. */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  return host === "localhost" || host.endsWith(".localhost") || /^127\.\d+\.\d+\.\d+$/.test(host) || host === "[::1]";
}

/** Why production rules apply, and exactly what to set. */
function productionMessage(missing: readonly string[], why: { explicit: boolean; appUrl?: string; databaseUrl: boolean }): string {
  const reason = why.explicit
    ? "APP_ENV=production is set"
    : why.appUrl && !isLoopbackUrl(why.appUrl)
      ? `APP_URL (${why.appUrl}) is not a loopback address`
      : "DATABASE_URL is set";
  const each = missing.map((n) => (n === "APP_URL" ? "APP_URL (the public https:// URL)" : n)).join(", ");
  return (
    `Gatehouse runs by production rules because ${reason}: set ${each} (see README "Configuration"). ` +
    `For a local demo on this machine only, leave APP_URL on localhost or set APP_ENV=development (never on a public address: it serves the built-in test IdP).`
  );
}

/** Outside production, secrets are generated once and kept in DATA_DIR/secrets.json. */
function devSecrets(dataDir: string): { authSecret: string; encryptionKey: string } {
  const file = path.join(dataDir, "secrets.json");
  if (existsSync(file)) {
    return JSON.parse(readFileSync(file, "utf8")) as { authSecret: string; encryptionKey: string };
  }
  mkdirSync(dataDir, { recursive: true });
  const secrets = {
    authSecret: randomBytes(32).toString("base64url"),
    encryptionKey: randomBytes(32).toString("hex"),
  };
  try {
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: "wx" });
  } catch {
    // Another process wrote it first: use theirs so both agree.
    return JSON.parse(readFileSync(file, "utf8")) as { authSecret: string; encryptionKey: string };
  }
  return secrets;
}

/**
 * The directory the operator ran the CLI from: `npm run` changes into the package root and keeps the
 * original directory in INIT_CWD, so `--metadata-file idp.xml` means the operator's idp.xml.
 */
export function operatorCwd(): string {
  return process.env.INIT_CWD || process.cwd();
}

/** Next's own build mode (dev server vs production build), inlined at build time. */
export const isNextDevServer = process.env.NODE_ENV === "development";

/** Tests only: the Postgres server tests create their databases on (TEST_DATABASE_URL, else the local server). */
export function testDatabaseBaseUrl(): string {
  return process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
}
