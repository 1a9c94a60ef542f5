import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/**
 * The only reader of process.env. Parsed lazily at run time (never at build time) and cached.
 *
 * Modes: APP_ENV=development|test|production. Unset: development when DATABASE_URL is unset
 * (embedded PGlite, the newcomer's `npm start`), production otherwise.
 */

const schema = z.object({
  APP_ENV: z.enum(["development", "test", "production"]).optional(),
  APP_URL: z.string().url().optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional(),
  DATA_DIR: z.string().optional(),
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  ENCRYPTION_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$|^[A-Za-z0-9+/]{43}=$/, "must be 32 bytes as 64 hex characters or base64")
    .optional(),
  DNS_SERVERS: z.string().optional(),
  TRUST_PROXY: z.enum(["true", "false"]).default("false"),
  SAML_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(300).default(120),
  METADATA_TTL_SECONDS: z.coerce.number().int().min(10).default(900),
  ALLOW_PRIVATE_METADATA_URLS: z.enum(["true", "false"]).optional(),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
});

export type AppEnv = {
  appEnv: "development" | "test" | "production";
  isProduction: boolean;
  appUrl: string;
  port: number;
  databaseUrl: string | undefined;
  dataDir: string;
  authSecret: string;
  encryptionKey: Buffer;
  dnsServers: string[] | undefined;
  trustProxy: boolean;
  samlClockSkewSeconds: number;
  metadataTtlSeconds: number;
  allowPrivateMetadataUrls: boolean;
  secureCookies: boolean;
  logLevel: "debug" | "info" | "warn" | "error";
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
  const appEnv = e.APP_ENV ?? (e.DATABASE_URL ? "production" : "development");
  const isProduction = appEnv === "production";
  const dataDir = path.resolve(/*turbopackIgnore: true*/ process.cwd(), e.DATA_DIR ?? ".data");

  if (isProduction) {
    for (const name of ["APP_URL", "AUTH_SECRET", "ENCRYPTION_KEY"] as const) {
      if (!e[name]) {
        throw new EnvError(
          `${name} is required in production (APP_ENV=production). Set it in the environment; see README "Configuration".`,
        );
      }
    }
  }
  const secrets = isProduction ? undefined : devSecrets(dataDir);
  const appUrl = (e.APP_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, "");
  const keyText = e.ENCRYPTION_KEY ?? secrets!.encryptionKey;
  const encryptionKey = /^[0-9a-fA-F]{64}$/.test(keyText) ? Buffer.from(keyText, "hex") : Buffer.from(keyText, "base64");

  return {
    appEnv,
    isProduction,
    appUrl,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    dataDir,
    authSecret: e.AUTH_SECRET ?? secrets!.authSecret,
    encryptionKey,
    dnsServers: e.DNS_SERVERS?.split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    trustProxy: e.TRUST_PROXY === "true",
    samlClockSkewSeconds: e.SAML_CLOCK_SKEW_SECONDS,
    metadataTtlSeconds: e.METADATA_TTL_SECONDS,
    allowPrivateMetadataUrls: e.ALLOW_PRIVATE_METADATA_URLS ? e.ALLOW_PRIVATE_METADATA_URLS === "true" : !isProduction,
    secureCookies: appUrl.startsWith("https://"),
    logLevel: e.LOG_LEVEL,
  };
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
