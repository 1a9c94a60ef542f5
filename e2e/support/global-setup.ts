import { serverArgs } from "./server-command";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, openSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CLI_BUNDLE_ENV, runCli } from "../../lib/testing/run-cli";
import { assertPostgresWhenRequired, postgresReachable, withDatabase } from "../../lib/testing/test-db";
import { testDatabaseBaseUrl } from "../../lib/env";
import { startE2eDns } from "./dns";
import { OUTPUT_DIR, STATE_FILE, type E2EState } from "./state";

// E2E_PORT_BASE lets several e2e runs share a machine.
const PORT_A = Number(process.env.E2E_PORT_BASE ?? 3100);
const PORT_B = PORT_A + 1;

/**
 * Builds the app if needed and starts it the way `npm start` does (APP_ENV=development, so the demo
 * workspace is seeded and its password printed once, which we read from the console). On real
 * Postgres a second instance joins the same database, as behind a load balancer.
 */
export default async function globalSetup() {
  if (!existsSync("/usr/bin/chromium")) {
    throw new Error("Chromium is missing at /usr/bin/chromium: install Debian's chromium (apt-get install chromium; .ci/run does this).");
  }
  await assertPostgresWhenRequired();
  const root = process.cwd();
  const { buildIfNeeded } = await import(path.join(root, "scripts", "build-if-needed.mjs"));
  buildIfNeeded(root);
  const { buildCli } = (await import(path.join(root, "scripts", "build-cli.mjs"))) as { buildCli: (root: string) => Promise<string> };
  process.env[CLI_BUNDLE_ENV] = await buildCli(root);

  const dataDir = mkdtempSync(path.join(os.tmpdir(), "gatehouse-e2e-"));
  let databaseUrl: string | null = null;
  let adminDatabase: E2EState["adminDatabase"];
  if (await postgresReachable()) {
    const { default: postgres } = await import("postgres");
    const base = testDatabaseBaseUrl();
    const name = `gh_e2e_${randomBytes(4).toString("hex")}`;
    const admin = postgres(base, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    await admin.end();
    databaseUrl = withDatabase(base, name);
    adminDatabase = { base, name };
  }

  const baseURL = `http://localhost:${PORT_A}`;
  // A real DNS server on loopback for domain verification; tests set records through e2e/support/dns.ts.
  const dns = await startE2eDns();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production" as const,
    NEXT_TELEMETRY_DISABLED: "1",
    APP_ENV: "development",
    APP_URL: baseURL,
    DATA_DIR: dataDir,
    DNS_SERVERS: dns.address,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  };
  mkdirSync(OUTPUT_DIR, { recursive: true });
  // A second workspace the demo owner is not a member of, made with the operator CLI as a user would.
  const cli = await runCli(
    [
      "workspaces:create",
      "--slug",
      "other-co",
      "--name",
      "Other Co",
      "--owner-email",
      "owner@other.test",
      "--owner-password",
      "other-co-password",
      "--json",
    ],
    { dataDir, extraEnv: env as Record<string, string> },
  );
  if (cli.code !== 0) throw new Error(`CLI workspaces:create failed: ${cli.stdout}${cli.stderr}`);
  const a = await startInstance(root, { ...env, PORT: String(PORT_A) }, "a");
  const password = await a.password;
  const pids = [a.pid];
  let secondURL: string | null = null;
  if (databaseUrl) {
    const b = await startInstance(root, { ...env, PORT: String(PORT_B) }, "b");
    pids.push(b.pid);
    secondURL = `http://localhost:${PORT_B}`;
  }

  const state: E2EState = {
    baseURL,
    secondURL,
    databaseUrl,
    dataDir,
    demoOwner: { email: "owner@acme.test", password },
    pids,
    adminDatabase,
  };
  writeFileSync(STATE_FILE, JSON.stringify(state, null, 2));
}

async function startInstance(root: string, env: NodeJS.ProcessEnv, tag: string) {
  const logFile = path.join(OUTPUT_DIR, `server-${tag}.log`);
  const out = openSync(logFile, "w");
  const child = spawn(process.execPath, serverArgs(), {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", out],
    detached: true,
  });
  let buffer = "";
  let resolvePassword: (p: string) => void;
  const password = new Promise<string>((r) => (resolvePassword = r));
  const listening = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server ${tag} did not start; see ${logFile}\n${buffer}`)), 60_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const m = /Password:\s+(\S+)/.exec(buffer);
      if (m) resolvePassword(m[1]!);
      if (buffer.includes("Gatehouse listening")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on("exit", (code) => reject(new Error(`server ${tag} exited with ${code}; see ${logFile}\n${buffer}`)));
  });
  child.stdout!.on("data", (chunk: Buffer) => writeFileSync(out, chunk));
  child.unref();
  await listening;
  // The first request waits for migrations and the seed.
  const res = await fetch(`http://localhost:${env.PORT}/api/health`);
  if (!res.ok) throw new Error(`server ${tag} unhealthy: ${res.status}`);
  if (tag !== "a") resolvePassword!("");
  return { pid: child.pid!, password };
}
