import { spawn } from "node:child_process";
import { cpSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export type CliResult = { code: number; stdout: string; stderr: string; json: unknown };

/** Env var naming the CLI compiled once per test run (scripts/build-cli.mjs, from the suites' global setup). */
export const CLI_BUNDLE_ENV = "GATEHOUSE_CLI_BUNDLE";

/** Env var naming a migrated on-disk PGlite data directory made once per run (vitest-setup.ts). */
export const PGLITE_DIR_TEMPLATE_ENV = "GATEHOUSE_PGLITE_DIR_TEMPLATE";

/**
 * A fresh DATA_DIR for the CLI processes of one test file. When they run on the embedded database
 * (`embedded`: the file has no Postgres URL to give them), it starts as a copy of the run's migrated
 * PGlite directory: the first process then opens it in 2 s instead of spending 6 s creating and
 * migrating one.
 */
export function cliDataDir(name: string, { embedded }: { embedded: boolean }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `gh-cli-${name}-`));
  const template = process.env[PGLITE_DIR_TEMPLATE_ENV];
  if (embedded && template) cpSync(template, dir, { recursive: true });
  return dir;
}

/** The environment a CLI process of the tests runs with: nothing inherited beyond PATH and HOME. */
export function cliEnv(env: { databaseUrl?: string; dataDir: string; extraEnv?: Record<string, string> }): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "test",
    APP_ENV: "test",
    APP_URL: "http://localhost:3999",
    DATA_DIR: env.dataDir,
    ...(env.databaseUrl ? { DATABASE_URL: env.databaseUrl } : {}),
    ...env.extraEnv,
  };
}

/**
 * Run `npm run gatehouse -- <args>` the way an operator does (a real process), against `databaseUrl`
 * (or an embedded PGlite in `dataDir`). The process runs the run's compiled CLI when the global setup
 * built one, else the TypeScript entry through tsx as `npm run gatehouse` does.
 */
export function runCli(
  args: string[],
  env: {
    databaseUrl?: string;
    dataDir: string;
    stdin?: string;
    /** e.g. APP_URL, INIT_CWD (the directory `npm run` was started from) */ extraEnv?: Record<string, string>;
  },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const bundle = process.env[CLI_BUNDLE_ENV];
    const entry = bundle ? [bundle] : ["--import", "tsx", path.join(process.cwd(), "lib", "cli", "index.ts")];
    const child = spawn(process.execPath, [...entry, ...args], {
      cwd: process.cwd(),
      env: cliEnv(env),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.stdin.end(env.stdin ?? "");
    child.on("error", reject);
    child.on("close", (code) => {
      let json: unknown = undefined;
      try {
        json = JSON.parse(stdout);
      } catch {
        /* not JSON */
      }
      resolve({ code: code ?? 1, stdout, stderr, json });
    });
  });
}
