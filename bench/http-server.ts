/**
 * The production server as the HTTP bench drives it: a checkout's compiled custom server
 * (`.next/gatehouse-server.mjs`, what `npm start` runs) started with plain node on a fresh database,
 * and what the bench reads about that process from /proc (CPU ticks, RSS, open handles).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export type RunningServer = { pid: number; url: string; stop: () => Promise<void>; log: () => string };

/** Clock ticks per second for /proc/<pid>/stat (USER_HZ; 100 on every Linux we run on). */
const CLK_TCK = (() => {
  const r = spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" });
  return Number(r.stdout?.trim()) || 100;
})();

/** User + system CPU of a process in milliseconds, from /proc/<pid>/stat (fields 14 and 15). */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may contain spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / CLK_TCK;
}

/** Resident set size in MB, from /proc/<pid>/status. */
export function processRssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Open file descriptors (sockets included) of a process. */
export function processFdCount(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return NaN;
  }
}

/** Build a checkout when it has no current build (its own scripts/build-if-needed.mjs decides). */
export async function ensureBuilt(dir: string): Promise<void> {
  const script = path.join(dir, "scripts", "build-if-needed.mjs");
  if (!existsSync(script)) throw new Error(`${dir} is not a Gatehouse checkout (no scripts/build-if-needed.mjs)`);
  const r = spawnSync(process.execPath, ["-e", `import(${JSON.stringify(script)}).then(m => m.buildIfNeeded(process.cwd()))`], {
    cwd: dir,
    stdio: "inherit",
  });
  if (r.status !== 0) throw new Error(`building ${dir} failed`);
}

/**
 * Start `dir`'s compiled server on `port` and wait until /api/health answers 200.
 * `cpuProfDir` adds --cpu-prof (the profile is written when the server exits).
 */
export async function startProductionServer(
  dir: string,
  o: { port: number; env: Record<string, string>; cpuProfDir?: string },
): Promise<RunningServer> {
  const bundle = path.join(dir, process.env.NEXT_DIST_DIR || ".next", "gatehouse-server.mjs");
  if (!existsSync(bundle)) throw new Error(`no server bundle at ${bundle}: build that checkout first`);
  const args = [...(o.cpuProfDir ? ["--cpu-prof", `--cpu-prof-dir=${o.cpuProfDir}`] : []), "--enable-source-maps", bundle];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...o.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out = (out + c.toString()).slice(-20_000)));
  child.stderr!.on("data", (c: Buffer) => (out = (out + c.toString()).slice(-20_000)));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  const url = `http://127.0.0.1:${o.port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server in ${dir} exited with ${child.exitCode}:\n${out}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server in ${dir} did not become healthy:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    pid: child.pid!,
    url,
    log: () => out,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
