import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

export type E2EState = {
  /** The app, as a browser reaches it (APP_URL). */
  baseURL: string;
  /** A second app instance on the same database (Postgres runs only), or null. */
  secondURL: string | null;
  /** Real Postgres URL of the app's database, or null when the app runs on embedded PGlite. */
  databaseUrl: string | null;
  dataDir: string;
  demoOwner: { email: string; password: string };
  pids: number[];
  adminDatabase?: { base: string; name: string };
};

/** Where e2e output goes; E2E_OUTPUT_DIR lets several runs share a checkout. */
export const OUTPUT_DIR = path.resolve(process.cwd(), process.env.E2E_OUTPUT_DIR ?? "test-results");
export const STATE_FILE = path.join(OUTPUT_DIR, "e2e-state.json");

export function readState(): E2EState {
  if (!existsSync(STATE_FILE)) throw new Error("e2e global setup did not run");
  return JSON.parse(readFileSync(STATE_FILE, "utf8")) as E2EState;
}
