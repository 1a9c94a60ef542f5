/**
 * npm run bench — the real ACS use-case (consumeSamlResponse: validation, replay store, provisioning,
 * login ticket, SSO event) in-process on valid signed responses, on embedded PGlite and on Postgres
 * when reachable; and, in the same run, signature verification alone on the same responses; then the
 * OpenID Connect authorize → code → token round trip (bench/oidc.ts); then the HTTP mode
 * (bench/http.ts): the production build over loopback HTTP on Postgres and PGlite.
 * Not a test: it prints numbers.
 *
 *   npm run bench                         in-process + HTTP (this checkout's production build)
 *   BENCH_BASELINE_DIR=/other/checkout    the HTTP mode runs that checkout's build on the same workload first, and prints ratios
 *   npm run bench -- --http-only          skip the in-process part
 *   npm run bench -- --in-process-only    skip the HTTP part
 *   npm run bench -- --memory             only the memory run: 20,000 sign-ins over HTTP on Postgres (BENCH_MEMORY_N), RSS as it goes
 *   BENCH_CPU_PROF=/dir                   servers run with --cpu-prof, profiles written to /dir when they stop
 *   BENCH_HTTP_SIZES=1:100,4:200,16:400   logins per concurrency level (each runs with new users, then returning)
 *   BENCH_HANDOFF=1                       a login is both requests of a sign-in: the ACS, then the ticket hand-off (/auth/sso/complete)
 *   BENCH_PORT=3990                       the port every server of the run listens on, one after the other
 */
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

process.env.APP_ENV ??= "test";
process.env.APP_URL ??= "http://localhost:3999";
process.env.DATA_DIR ??= path.join(os.tmpdir(), "gatehouse-bench");
process.env.LOG_LEVEL ??= "error";
// Shared with the servers the HTTP mode starts (the OIDC round trip presents a session cookie minted here).
process.env.AUTH_SECRET ??= randomBytes(32).toString("base64url");
process.env.ENCRYPTION_KEY ??= randomBytes(32).toString("hex");

const N = Number(process.env.BENCH_N ?? 300);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const USERS = 50;

type Stats = { n: number; perSecond: number; p50: number; p99: number; mean: number };

function stats(samples: number[], wallMs: number): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { n: s.length, perSecond: (s.length / wallMs) * 1000, p50: q(0.5), p99: q(0.99), mean: s.reduce((a, b) => a + b, 0) / s.length };
}

const fmt = (s: Stats) =>
  `${s.perSecond.toFixed(0).padStart(6)} /s   p50 ${s.p50.toFixed(2).padStart(7)} ms   p99 ${s.p99.toFixed(2).padStart(7)} ms   (n=${s.n})`;

type InProcess = { verify: Stats; acs: Stats; conc: Stats };

async function runBackend(label: string, handle: import("@/db").DbHandle): Promise<InProcess> {
  const { createDevIdp } = await import("@/lib/dev-idp");
  const { validateSamlResponse, verifyResponseSignatureOnly } = await import("@/lib/saml");
  const { createWorkspace } = await import("@/lib/services/workspaces");
  const { createConnection } = await import("@/lib/services/connections");
  const { OPERATOR } = await import("@/lib/services/actor");
  const { connectionCreateSchema } = await import("@/lib/schemas/connections");
  const { consumeSamlResponse, failureOf } = await import("@/lib/services/saml-acs");
  const { spValues } = await import("@/lib/services/sp-values");
  const appUrl = process.env.APP_URL!;
  const db = handle.db;
  await handle.migrate();

  const id = randomBytes(3).toString("hex");
  const { workspace } = await createWorkspace(db, { slug: `bench-${id}`, name: "Bench", ownerEmail: `owner@bench-${id}.test` });
  const idp = createDevIdp({ entityId: `https://idp.bench-${id}.test` });
  const connection = await createConnection(
    db,
    workspace.id,
    connectionCreateSchema.parse({
      name: "Bench IdP",
      slug: `bench-${id}`,
      metadataXml: idp.metadataXml("https://idp.bench.test/sso"),
      allowIdpInitiated: true,
    }),
    OPERATOR,
  );
  const sp = spValues(appUrl, connection.slug);
  const make = (i: number) =>
    idp.createResponse({
      acsUrl: sp.acsUrl,
      audience: sp.entityId,
      nameId: `user${i % USERS}@bench-${id}.test`,
      attributes: { firstName: "Bench", lastName: `User ${i % USERS}`, groups: ["engineering", "staff"] },
    });

  // Warm-up: JIT-creates the user pool, so the measured runs are the steady state (returning users).
  for (let i = 0; i < USERS; i++) await consumeSamlResponse(db, { slug: connection.slug, samlResponse: make(i), relayState: null, appUrl });
  const responses = Array.from({ length: N }, (_, i) => make(i));
  const certs = connection.idpCertificates.map((c) => c.pem);

  // 1. Signature verification alone, on the same responses.
  for (const r of responses.slice(0, 20)) verifyResponseSignatureOnly(r, certs);
  const verifySamples: number[] = [];
  let t0 = performance.now();
  for (const r of responses) {
    const s = performance.now();
    const v = verifyResponseSignatureOnly(r, certs);
    verifySamples.push(performance.now() - s);
    if (!v.ok) throw new Error(`verify failed: ${v.code}`);
  }
  const verify = stats(verifySamples, performance.now() - t0);

  // 1b. The whole validation step (issue 16's "≤ 2 ms per 4 KB response"): decode, signature, conditions, identity.
  const expected = {
    spEntityId: sp.entityId,
    acsUrl: sp.acsUrl,
    idpEntityId: connection.idpEntityId!,
    idpCertificatesPem: certs,
    allowSha1: false,
    clockSkewSeconds: 120,
    decryptionKeysPem: [],
    requireEncryptedAssertions: false,
  };
  // Warmed on the same responses first (validation is pure): the server's steady state.
  for (const r of responses) validateSamlResponse({ samlResponse: r, expected, now: new Date() });
  const validateSamples: number[] = [];
  t0 = performance.now();
  for (const r of responses) {
    const s = performance.now();
    const v = validateSamlResponse({ samlResponse: r, expected, now: new Date() });
    validateSamples.push(performance.now() - s);
    if (!v.ok) throw new Error(`validation failed: ${v.code}`);
  }
  const validation = stats(validateSamples, performance.now() - t0);
  const xmlBytes = Buffer.from(responses[0]!, "base64").length;

  // 2. The full ACS use-case, sequential.
  const acsSamples: number[] = [];
  t0 = performance.now();
  for (const r of responses) {
    const s = performance.now();
    const res = await consumeSamlResponse(db, { slug: connection.slug, samlResponse: r, relayState: null, appUrl });
    acsSamples.push(performance.now() - s);
    if (failureOf(res)) throw new Error(`ACS failed: ${failureOf(res)}`);
  }
  const acs = stats(acsSamples, performance.now() - t0);

  // 3. The ACS use-case with concurrent sign-ins (fresh responses: the first run consumed the others).
  const fresh = Array.from({ length: N }, (_, i) => make(i));
  const concSamples: number[] = [];
  let next = 0;
  t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < fresh.length) {
        const r = fresh[next++]!;
        const s = performance.now();
        const res = await consumeSamlResponse(db, { slug: connection.slug, samlResponse: r, relayState: null, appUrl });
        concSamples.push(performance.now() - s);
        if (failureOf(res)) throw new Error(`ACS failed: ${failureOf(res)}`);
      }
    }),
  );
  const conc = stats(concSamples, performance.now() - t0);

  console.log(`\n${label}`);
  console.log(`  signature verification only         ${fmt(verify)}`);
  console.log(
    `  validation step (${(xmlBytes / 1024).toFixed(1)} KB response)   ${fmt(validation)}   mean ${validation.mean.toFixed(2)} ms`,
  );
  console.log(`  ACS use-case, sequential            ${fmt(acs)}`);
  console.log(`  ACS use-case, ${String(CONCURRENCY).padEnd(2)} concurrent       ${fmt(conc)}`);
  console.log(
    `  overhead: ACS p50 / verify p50 = ${(acs.p50 / verify.p50).toFixed(1)}x   (mean ${(acs.mean / verify.mean).toFixed(1)}x; ACS p50 minus verify p50 = ${(acs.p50 - verify.p50).toFixed(2)} ms)`,
  );
  return { verify, acs, conc };
}

const args = new Set(process.argv.slice(2));

async function inProcess(): Promise<Partial<Record<"pglite" | "postgres", InProcess>>> {
  const { openPglite, openPostgres } = await import("@/db");
  const { postgresReachable, withDatabase } = await import("@/lib/testing/test-db");
  const { testDatabaseBaseUrl } = await import("@/lib/env");
  const out: Partial<Record<"pglite" | "postgres", InProcess>> = {};
  console.log(
    `Gatehouse ACS benchmark — ${N} valid signed responses (RSA-SHA256, assertion signed by the dev IdP; ${USERS} returning users), node ${process.version}, ${os.cpus().length} CPUs`,
  );

  const pglite = await openPglite(undefined);
  try {
    out.pglite = await runBackend("Embedded PGlite (in memory)", pglite);
    await (await import("./discovery")).benchDiscovery("Embedded PGlite (in memory)", pglite);
    await (await import("./oidc")).benchOidc("PGlite", pglite, Math.max(50, Math.floor(N / 2)));
  } finally {
    await pglite.close();
  }

  if (await postgresReachable()) {
    const { default: postgres } = await import("postgres");
    const base = testDatabaseBaseUrl();
    const name = `gh_bench_${randomBytes(4).toString("hex")}`;
    const admin = postgres(base, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const pg = await openPostgres(withDatabase(base, name), { max: 10 });
    try {
      out.postgres = await runBackend(`Postgres (${new URL(base).host})`, pg);
      await (await import("./discovery")).benchDiscovery(`Postgres (${new URL(base).host})`, pg);
      await (await import("./oidc")).benchOidc("Postgres", pg, Math.max(50, Math.floor(N / 2)));
    } finally {
      await pg.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
      await admin.end();
    }
  } else {
    console.log("\nPostgres: not reachable (set TEST_DATABASE_URL or run one on 127.0.0.1:5432) — skipped.");
  }
  return out;
}

async function main() {
  const memory = args.has("--memory");
  const floors = memory || args.has("--http-only") ? {} : await inProcess();
  if (args.has("--in-process-only")) return;
  await (await import("./http-main")).benchHttpMain({ memory, floors });
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
