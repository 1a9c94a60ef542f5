/**
 * The HTTP mode's run: this checkout's production build (and BENCH_BASELINE_DIR's, on the very same
 * workload, first) on Postgres and on PGlite; then ratios. `--memory`: 20,000 sign-ins on Postgres.
 */
import os from "node:os";
import path from "node:path";
import { ensureBuilt } from "./http-server";
import { fmtPhase, runServer, type Backend, type Build, type ServerRunResult } from "./http";
import { makeWorkload } from "./http-workload";

type Floor = { verify: { perSecond: number }; acs: { perSecond: number }; conc: { perSecond: number } };

function parseSizes(text: string): Record<number, number> {
  return Object.fromEntries(text.split(",").map((p) => p.split(":").map(Number) as [number, number]));
}

export async function benchHttpMain(o: { memory: boolean; floors: Partial<Record<Backend, Floor>> }) {
  const root = process.cwd();
  const port = Number(process.env.BENCH_PORT ?? (process.env.E2E_PORT_BASE ? Number(process.env.E2E_PORT_BASE) + 19 : 3990));
  const appUrl = `http://127.0.0.1:${port}`;
  const builds: Build[] = [];
  const baselineDir = process.env.BENCH_BASELINE_DIR ? path.resolve(process.env.BENCH_BASELINE_DIR) : null;
  if (baselineDir) builds.push({ label: `baseline (${baselineDir})`, dir: baselineDir });
  builds.push({ label: "this build", dir: root });
  for (const b of builds) await ensureBuilt(b.dir);

  const { postgresReachable } = await import("@/lib/testing/test-db");
  const backends: Backend[] = (await postgresReachable()) ? ["postgres", "pglite"] : ["pglite"];
  const memoryN = Number(process.env.BENCH_MEMORY_N ?? 20_000);
  const sizes = o.memory ? {} : parseSizes(process.env.BENCH_HTTP_SIZES ?? "1:100,4:200,16:400");
  console.log(
    `\nHTTP mode — production build over loopback HTTP (${appUrl}), node ${process.version}, ${os.cpus().length} CPUs, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
  const t = Date.now();
  const workload = await makeWorkload({ appUrl, sizes, memory: o.memory ? memoryN : undefined });
  console.log(
    `  ${workload.phases.reduce((n, p) => n + p.logins.length, 0)} signed responses made in ${((Date.now() - t) / 1000).toFixed(1)} s (before any timing)`,
  );

  const serverEnv = {
    port,
    appUrl,
    authSecret: process.env.AUTH_SECRET!,
    encryptionKey: process.env.ENCRYPTION_KEY!,
    cpuProfDir: process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : undefined,
  };
  const results: ServerRunResult[] = [];
  for (const backend of o.memory ? (["postgres"] as Backend[]) : backends) {
    for (const build of builds) {
      console.log(`\n${build.label} on ${backend === "postgres" ? "Postgres (fresh database)" : "embedded PGlite"}`);
      if (o.memory) console.log(`  memory run: ${memoryN} sign-ins at 16 concurrent (3 new : 1 returning)`);
      else console.log("  conc  users       rate         latency                 server CPU            database       memory");
      const r = await runServer(build, backend, workload, serverEnv, {
        oidcN: o.memory ? 0 : 200,
        onPhase: (p) => console.log(fmtPhase(p)),
      });
      if (r.oidc) {
        console.log(
          `  OIDC authorize → code → token ${r.oidc.perSecond.toFixed(0).padStart(6)} /s  p50 ${r.oidc.p50.toFixed(1)} ms  p99 ${r.oidc.p99.toFixed(1)} ms (sequential, openid-client as the application)`,
        );
      }
      results.push(r);
    }
  }
  if (o.memory) return;

  console.log("\nSummary (ratios from this run only; absolute figures depend on the machine and its load)");
  for (const backend of backends) {
    const floor = o.floors[backend];
    const mine = results.find((r) => r.backend === backend && r.build.dir === root)!;
    const base = results.find((r) => r.backend === backend && r.build.dir !== root);
    console.log(`  ${backend === "postgres" ? "Postgres" : "PGlite"}:`);
    if (floor) {
      console.log(
        `    in-process (same run): signature only ${floor.verify.perSecond.toFixed(0)}/s, ACS use-case ${floor.acs.perSecond.toFixed(0)}/s sequential, ${floor.conc.perSecond.toFixed(0)}/s concurrent`,
      );
    }
    for (const p of mine.phases) {
      const b = base?.phases.find((x) => x.concurrency === p.concurrency && x.kind === p.kind);
      const vsFloor = floor ? `  = ${((100 * p.perSecond) / floor.verify.perSecond).toFixed(0)}% of the signature-only floor` : "";
      const vsBase = b
        ? `  vs baseline: ×${(p.perSecond / b.perSecond).toFixed(2)} logins/s, ×${(p.cpuMsPerLogin / b.cpuMsPerLogin).toFixed(2)} CPU/login, p99 ${b.p99.toFixed(0)}→${p.p99.toFixed(0)} ms` +
          (p.xactsPerLogin !== null && b.xactsPerLogin !== null
            ? `, xacts ${b.xactsPerLogin.toFixed(1)}→${p.xactsPerLogin.toFixed(1)}`
            : "")
        : "";
      console.log(
        `    ${String(p.concurrency).padStart(2)} concurrent, ${p.kind.padEnd(9)} ${p.perSecond.toFixed(0).padStart(5)}/s${vsFloor}${vsBase}`,
      );
    }
  }
}
