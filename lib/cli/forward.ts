import path from "node:path";
import { isAlive, readDirLockPid } from "@/db";
import { CLI_BRIDGE_PATH, CLI_TOKEN_HEADER, readServerInfo, type ServerInfo } from "@/server/server-info";
import { failure, type CliOutput, type FileInputs } from "./run";

/**
 * The CLI side of the bridge to a server running on the embedded database (PGlite is single-process,
 * so while `npm start` runs, the CLI hands its command to that server; see server/cli-bridge.ts).
 */

/**
 * The running server that owns DATA_DIR's embedded database, if any: DATA_DIR/server.json names a
 * live pid, and the PGlite lock is that pid's (or not held by anyone alive).
 */
export function findRunningServer(dataDir: string): ServerInfo | null {
  const info = readServerInfo(dataDir);
  if (!info || info.pid === process.pid || !isAlive(info.pid)) return null;
  const lockPid = readDirLockPid(path.join(dataDir, "pglite"));
  if (lockPid !== null && lockPid !== info.pid && isAlive(lockPid)) return null;
  return info;
}

const TIMEOUT_MS = 120_000;

/** Run the command in the server and return exactly what it printed there. */
export async function forwardCommand(
  server: ServerInfo,
  dataDir: string,
  argv: string[],
  files: FileInputs,
  json: boolean,
): Promise<CliOutput> {
  const url = `http://127.0.0.1:${server.port}${CLI_BRIDGE_PATH}`;
  const unreachable = (reason: string) =>
    failure(
      json,
      "CLI_SERVER_UNREACHABLE",
      `The Gatehouse server (pid ${server.pid}) holds the embedded database in ${dataDir}, but did not take the command at ${url}: ${reason}.`,
      "Stop the server and run the command again, or run the server and the CLI on real Postgres with DATABASE_URL.",
    );
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", [CLI_TOKEN_HEADER]: server.token },
      body: JSON.stringify({ argv, files }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    return unreachable(cause?.code ?? cause?.message ?? (e as Error).message);
  }
  if (!res.ok) return unreachable(`HTTP ${res.status}`);
  const out = (await res.json().catch(() => null)) as Partial<CliOutput> | null;
  if (!out || !Number.isInteger(out.exitCode) || !isStrings(out.stdout) || !isStrings(out.stderr)) return unreachable("unexpected answer");
  return { exitCode: out.exitCode!, stdout: out.stdout, stderr: out.stderr };
}

function isStrings(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === "string");
}
