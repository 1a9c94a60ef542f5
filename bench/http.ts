/**
 * HTTP mode of `npm run bench`: the production build (compiled custom server in front of Next) on a
 * fresh Postgres database and on embedded PGlite, driven over loopback HTTP at 1, 4 and 16 concurrent
 * with distinct signed IdP-initiated responses (new users, then the same users returning). Per phase:
 * logins/s, p50/p99, server CPU per login (/proc/<pid>/stat of the server process), database
 * transactions per login (pg_stat_database of that database), RSS before → after. Then the OpenID
 * Connect code round trip against the same server. BENCH_BASELINE_DIR names another checkout whose
 * build runs the very same workload first, so before/after ratios come from one machine and one run.
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { processCpuMs, processFdCount, processRssMb, startProductionServer, type RunningServer } from "./http-server";
import { seedWorkload, type Login, type Phase, type Seeded, type Workload } from "./http-workload";

export type Build = { label: string; dir: string };
export type Backend = "postgres" | "pglite";

export type PhaseResult = {
  concurrency: number;
  kind: Phase["kind"];
  n: number;
  failures: Record<string, number>;
  perSecond: number;
  p50: number;
  p99: number;
  cpuMsPerLogin: number;
  xactsPerLogin: number | null;
  rssBefore: number;
  rssAfter: number;
  fdsAfter: number;
};

export type ServerRunResult = {
  build: Build;
  backend: Backend;
  phases: PhaseResult[];
  oidc: { perSecond: number; p50: number; p99: number } | null;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function quantile(sorted: number[], p: number) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! : NaN;
}

/**
 * The ticket hand-off of a login the ACS answered (`BENCH_HANDOFF=1`): GET its Location with the ticket's
 * browser cookie; a success is a 303 that sets the session cookie. Null on success, else what failed.
 */
function handOff(url: URL, agent: http.Agent, res: http.IncomingMessage): Promise<string | null> {
  const cookie = String(res.headers["set-cookie"]?.[0] ?? "").split(";")[0]!;
  return new Promise((resolve) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method: "GET", path: String(res.headers.location), agent, headers: { cookie } },
      (done) => {
        done.resume();
        done.on("end", () => {
          const session = (done.headers["set-cookie"] ?? []).some((c) => c.includes("session-token="));
          resolve(done.statusCode === 303 && session ? null : `hand-off ${done.statusCode}`);
        });
      },
    );
    req.on("error", (e) => resolve(`network ${(e as NodeJS.ErrnoException).code ?? e.message}`));
    req.end();
  });
}

/**
 * POST every login to its ACS with `concurrency` keep-alive connections; a success is a 303 to the ticket
 * hand-off. With `BENCH_HANDOFF=1` a login is both requests of a sign-in: the ACS, then the hand-off.
 */
export async function driveAcs(baseUrl: string, logins: Login[], concurrency: number) {
  const withHandOff = process.env.BENCH_HANDOFF === "1";
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const samples: number[] = [];
  const failures: Record<string, number> = {};
  let next = 0;
  const one = (l: Login) =>
    new Promise<string | null>((resolve) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          method: "POST",
          path: `/auth/sso/saml/${l.slug}/acs`,
          agent,
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            "content-length": Buffer.byteLength(l.body),
            "x-forwarded-for": l.ip,
          },
        },
        (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => (body += c));
          res.on("end", () => {
            const ok = res.statusCode === 303 && String(res.headers.location ?? "").startsWith("/auth/sso/complete?ticket=");
            if (ok && withHandOff) return void handOff(url, agent, res).then(resolve);
            resolve(
              ok
                ? null
                : `${res.statusCode} ${/\b(SAML_[A-Z_]+|RATE_LIMITED|DATABASE_UNAVAILABLE|INTERNAL)\b/.exec(body)?.[1] ?? ""}`.trim(),
            );
          });
        },
      );
      req.on("error", (e) => resolve(`network ${(e as NodeJS.ErrnoException).code ?? e.message}`));
      req.end(l.body);
    });
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < logins.length) {
        const l = logins[next++]!;
        const s = performance.now();
        const failure = await one(l);
        samples.push(performance.now() - s);
        if (failure) failures[failure] = (failures[failure] ?? 0) + 1;
      }
    }),
  );
  const wallMs = performance.now() - t0;
  agent.destroy();
  samples.sort((a, b) => a - b);
  return { wallMs, samples, failures };
}

type PgStats = { xacts: () => Promise<number>; close: () => Promise<void> };

async function pgStats(baseUrl: string, database: string): Promise<PgStats> {
  const { default: postgres } = await import("postgres");
  const sql = postgres(baseUrl, { max: 1, onnotice: () => {} });
  return {
    // Backends flush their counters to pg_stat_database at most once a second once idle: wait first.
    xacts: async () => {
      await sleep(1100);
      const [row] = await sql`select xact_commit + xact_rollback as n from pg_stat_database where datname = ${database}`;
      return Number(row!.n);
    },
    close: () => sql.end({ timeout: 2 }),
  };
}

async function runPhase(server: RunningServer, phase: Phase, stats: PgStats | null): Promise<PhaseResult> {
  const rssBefore = processRssMb(server.pid);
  const xBefore = stats ? await stats.xacts() : 0;
  const cpuBefore = processCpuMs(server.pid);
  const r = await driveAcs(server.url, phase.logins, phase.concurrency);
  const cpuAfter = processCpuMs(server.pid);
  const rssAfter = processRssMb(server.pid);
  // The stats reader's own query runs in another database: it is not counted here.
  const xAfter = stats ? await stats.xacts() : 0;
  const n = phase.logins.length;
  return {
    concurrency: phase.concurrency,
    kind: phase.kind,
    n,
    failures: r.failures,
    perSecond: (n / r.wallMs) * 1000,
    p50: quantile(r.samples, 0.5),
    p99: quantile(r.samples, 0.99),
    cpuMsPerLogin: (cpuAfter - cpuBefore) / n,
    xactsPerLogin: stats ? (xAfter - xBefore) / n : null,
    rssBefore,
    rssAfter,
    fdsAfter: processFdCount(server.pid),
  };
}

/** The OpenID Connect authorize → code → token round trip against the server (a signed-in person with a grant). */
async function benchOidcHttp(server: RunningServer, seed: Seeded, n: number) {
  const client = await import("openid-client");
  const kit = await import("@/lib/testing/oidc-kit");
  const { issuerFor } = await import("@/server/oidc/provider");
  const { mintSessionCookie } = await import("@/lib/auth/session-cookie");
  const config = await client.discovery(new URL(issuerFor(server.url)), seed.clientId, seed.clientSecret, undefined, {
    execute: [client.allowInsecureRequests],
  });
  client.enableNonRepudiationChecks(config);
  const app = { config } as Parameters<typeof kit.startAuthorization>[0];
  const browser = new kit.HttpBrowser(server.url);
  const cookie = await mintSessionCookie(seed.owner, { amr: "pwd" });
  browser.cookies.set(cookie.name, cookie.value);
  const once = async () => {
    const start = await kit.startAuthorization(app, { organization: "bench" });
    const r = await kit.authorize(browser, start);
    if (!r.location?.startsWith(kit.CALLBACK)) {
      throw new Error(`OIDC authorization did not reach the application (status ${r.last.status}, location ${r.location})`);
    }
    await kit.exchange(app, start, r.location);
  };
  for (let i = 0; i < 10; i++) await once(); // the first one runs the login step and makes the grant
  const samples: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await once();
    samples.push(performance.now() - s);
  }
  const wall = performance.now() - t0;
  samples.sort((a, b) => a - b);
  return { perSecond: (n / wall) * 1000, p50: quantile(samples, 0.5), p99: quantile(samples, 0.99) };
}

export type ServerEnv = { port: number; appUrl: string; authSecret: string; encryptionKey: string; cpuProfDir?: string };

/** A fresh database migrated with `build`'s own migrations and seeded; the server is started on it. */
async function prepareDatabase(build: Build, backend: Backend, w: Workload) {
  const { drizzle: drizzlePg } = await import("drizzle-orm/postgres-js");
  const { migrate: migratePg } = await import("drizzle-orm/postgres-js/migrator");
  const { drizzle: drizzleLite } = await import("drizzle-orm/pglite");
  const { migrate: migrateLite } = await import("drizzle-orm/pglite/migrator");
  const { DRIZZLE_CONFIG } = await import("@/db");
  const migrationsFolder = path.join(build.dir, "db", "migrations");
  if (backend === "postgres") {
    const { default: postgres } = await import("postgres");
    const { testDatabaseBaseUrl } = await import("@/lib/env");
    const { withDatabase } = await import("@/lib/testing/test-db");
    const base = testDatabaseBaseUrl();
    const name = `gh_bench_${randomBytes(4).toString("hex")}`;
    const admin = postgres(base, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const url = withDatabase(base, name);
    const client = postgres(url, { max: 1, onnotice: () => {} });
    const db = drizzlePg(client, DRIZZLE_CONFIG);
    await migratePg(db, { migrationsFolder });
    const seed = await seedWorkload(db as never, w);
    await client.end();
    return {
      seed,
      env: { DATABASE_URL: url } as Record<string, string>,
      stats: () => pgStats(base, name),
      drop: async () => {
        await admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
        await admin.end();
      },
    };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { mkdtempSync, rmSync } = await import("node:fs");
  const os = await import("node:os");
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "gatehouse-bench-http-"));
  const lite = new PGlite(path.join(dataDir, "pglite"));
  await lite.waitReady;
  const db = drizzleLite(lite, DRIZZLE_CONFIG);
  await migrateLite(db, { migrationsFolder });
  const seed = await seedWorkload(db as never, w);
  await lite.close();
  return {
    seed,
    env: { DATA_DIR: dataDir } as Record<string, string>,
    stats: async () => null,
    drop: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

/** One build on one backend: fresh database, server start, every phase, the OIDC round trip, stop. */
export async function runServer(
  build: Build,
  backend: Backend,
  w: Workload,
  e: ServerEnv,
  o: { oidcN: number; onPhase?: (r: PhaseResult) => void },
): Promise<ServerRunResult> {
  const db = await prepareDatabase(build, backend, w);
  const server = await startProductionServer(build.dir, {
    port: e.port,
    cpuProfDir: e.cpuProfDir,
    env: {
      ...db.env,
      PORT: String(e.port),
      APP_ENV: "production",
      APP_URL: e.appUrl,
      AUTH_SECRET: e.authSecret,
      ENCRYPTION_KEY: e.encryptionKey,
      TRUST_PROXY: "1",
      LOG_LEVEL: "error",
    },
  });
  const stats = await db.stats();
  const phases: PhaseResult[] = [];
  let oidc: ServerRunResult["oidc"] = null;
  try {
    // Warm-up (not measured): the first requests load the route modules and fill caches.
    await driveAcs(server.url, w.warmup, 1);
    for (const p of w.phases) {
      const r = await runPhase(server, p, stats);
      phases.push(r);
      o.onPhase?.(r);
    }
    if (o.oidcN > 0) oidc = await benchOidcHttp(server, db.seed, o.oidcN);
  } finally {
    await stats?.close();
    await server.stop();
    await db.drop();
  }
  return { build, backend, phases, oidc };
}

export const fmtPhase = (r: PhaseResult) => {
  const fails = Object.entries(r.failures);
  return (
    `  ${String(r.concurrency).padStart(4)}  ${r.kind.padEnd(9)} ${r.perSecond.toFixed(0).padStart(6)} /s  p50 ${r.p50.toFixed(1).padStart(6)} ms  p99 ${r.p99.toFixed(1).padStart(6)} ms` +
    `  CPU ${r.cpuMsPerLogin.toFixed(2).padStart(6)} ms/login  xacts ${r.xactsPerLogin === null ? "   —" : r.xactsPerLogin.toFixed(2).padStart(5)}/login` +
    `  RSS ${r.rssBefore.toFixed(0)}→${r.rssAfter.toFixed(0)} MB  fds ${r.fdsAfter}  (n=${r.n}${fails.length ? `, FAILED ${fails.map(([k, v]) => `${k}×${v}`).join(", ")}` : ""})`
  );
};
