import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * DATA_DIR/server.json: written by a server running on the embedded database, so the operator CLI
 * (a second process, which cannot open PGlite) can hand its command to that server over loopback.
 * The token is new on every start; the file is readable by the server's user only.
 */
export type ServerInfo = { pid: number; port: number; token: string };

/** The route the CLI posts its command to, and the header that carries the token. */
export const CLI_BRIDGE_PATH = "/api/internal/cli";
export const CLI_TOKEN_HEADER = "x-gatehouse-cli-token";

export function serverInfoPath(dataDir: string): string {
  return path.join(dataDir, "server.json");
}

export function writeServerInfo(dataDir: string, port: number): ServerInfo {
  const info: ServerInfo = { pid: process.pid, port, token: randomBytes(32).toString("base64url") };
  const file = serverInfoPath(dataDir);
  mkdirSync(dataDir, { recursive: true });
  rmSync(file, { force: true }); // a stale file may carry other permissions: create it anew
  writeFileSync(file, JSON.stringify(info) + "\n", { mode: 0o600, flag: "wx" });
  chmodSync(file, 0o600); // in case the umask narrowed or widened the mode
  return info;
}

export function readServerInfo(dataDir: string): ServerInfo | null {
  try {
    const v = JSON.parse(readFileSync(serverInfoPath(dataDir), "utf8")) as Partial<ServerInfo>;
    if (Number.isInteger(v.pid) && Number.isInteger(v.port) && typeof v.token === "string" && v.token.length >= 32) {
      return { pid: v.pid!, port: v.port!, token: v.token };
    }
    return null;
  } catch {
    return null;
  }
}

/** Remove the file if it is still ours (a newer server may have replaced it). */
export function removeServerInfo(dataDir: string, info: ServerInfo): void {
  const current = readServerInfo(dataDir);
  if (current && current.pid === info.pid && current.token === info.token) rmSync(serverInfoPath(dataDir), { force: true });
}
