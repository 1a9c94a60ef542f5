#!/usr/bin/env node
// The test lanes. Every step of a lane runs; the exit code says whether any failed.
//
//   npm test               full: static checks, unit + database tests (Postgres when it answers),
//                          e2e in Chromium: the functional and visual projects (screenshots + axe) in one
//                          Playwright run, so both workers stay busy and the servers start once
//   npm run test:fast      inner loop, everything at once: static checks (type check and lint cached
//                          between runs, format and migrations on what changed) beside the unit +
//                          database tests on embedded PGlite that the working tree's changes reach
//                          (vitest --changed: changed test files and every test importing a changed file)
//   npm run test:fast -- --all   the same with every unit + database test on PGlite
//   npm run test:visual    the screenshot and accessibility lane alone
//   node scripts/test.mjs --only unit+db,e2e+visual   chosen steps of the full lane
//
// Under CI (GATEHOUSE_CI=1, set by .ci/run) a missing Postgres or Chromium fails the run, and so
// does any skipped test: CI cannot pass by skipping.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
process.chdir(root);
mkdirSync("test-results", { recursive: true });
const bin = (name) => path.join("node_modules", ".bin", name);
const ci = process.env.GATEHOUSE_CI === "1";
if (ci) process.env.REQUIRE_POSTGRES = "1";

const args = process.argv.slice(2);
const onlyArg = args.find((a) => a.startsWith("--only"));
const onlyValue = onlyArg === "--only" ? args[args.indexOf(onlyArg) + 1] : undefined; // `--only a,b` as well as `--only=a,b`
const lane = args.find((a) => !a.startsWith("--") && a !== onlyValue) ?? "full";
const only = onlyArg ? (onlyArg.split("=")[1] ?? onlyValue ?? "").split(",").filter(Boolean) : [];

const vitestCount = (file) => () => {
  const r = JSON.parse(readFileSync(file, "utf8"));
  const skippedTests = [];
  for (const f of r.testResults) {
    for (const a of f.assertionResults) {
      if (a.status === "skipped" || a.status === "pending" || a.status === "todo") {
        skippedTests.push(`${path.relative(root, f.name)} › ${a.fullName}${a.meta?.skipReason ? ` (${a.meta.skipReason})` : ""}`);
      }
    }
  }
  return { passed: r.numPassedTests, failed: r.numFailedTests, skipped: skippedTests.length, skippedTests };
};

const playwrightCount = (file) => () => {
  const r = JSON.parse(readFileSync(file, "utf8"));
  const skippedTests = [];
  const walk = (suite, titles) => {
    for (const s of suite.suites ?? []) walk(s, [...titles, s.title]);
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        if (t.status === "skipped") {
          const why = (t.annotations ?? []).find((a) => a.type === "skip")?.description;
          skippedTests.push(`${[...titles, spec.title].filter(Boolean).join(" › ")}${why ? ` (${why})` : ""}`);
        }
      }
    }
  };
  for (const s of r.suites ?? []) walk(s, []);
  return { passed: r.stats.expected + (r.stats.flaky ?? 0), failed: r.stats.unexpected, skipped: r.stats.skipped, skippedTests };
};

/**
 * The static checks. `inner` (the inner loop) keeps the type checker's and linter's caches in
 * node_modules/.cache/gatehouse, so a second run checks only what changed, checks the format of the
 * changed files alone, and compares schema and migrations only when db/ changed. CI runs them all
 * cold, as a fresh clone does.
 */
const cacheDir = path.join("node_modules", ".cache", "gatehouse");
if (existsSync("node_modules")) mkdirSync(cacheDir, { recursive: true });
const staticChecks = (inner) => {
  const changed = inner ? changedFiles().filter((f) => existsSync(f)) : null;
  const checks = [
    {
      name: "typecheck",
      cmd: [bin("tsc"), "--noEmit", ...(inner ? ["--incremental", "--tsBuildInfoFile", path.join(cacheDir, "tsbuildinfo")] : [])],
    },
    {
      name: "lint",
      cmd: [bin("eslint"), ...(inner ? ["--cache", "--cache-location", path.join(cacheDir, "eslint") + path.sep] : []), "."],
    },
  ];
  if (!changed || changed.length) {
    checks.push({ name: "format", cmd: [bin("prettier"), "--check", "--log-level=warn", "--ignore-unknown", ...(changed ?? ["."])] });
  }
  if (!changed || changed.some((f) => f.startsWith("db/") || f === "drizzle.config.ts" || f === "package-lock.json")) {
    checks.push({ name: "migrations", cmd: [process.execPath, "scripts/check-migrations.mjs"] });
  }
  return checks;
};

/** Files the working tree changes against HEAD: modified, added, renamed and untracked (git's view, as vitest --changed). */
function changedFiles() {
  const git = (...a) => execFileSync("git", a, { encoding: "utf8" }).split("\n").filter(Boolean);
  return [...new Set([...git("diff", "--name-only", "HEAD"), ...git("ls-files", "--others", "--exclude-standard")])];
}
const vitest = (name, env, extra = []) => ({
  name,
  cmd: [bin("vitest"), "run", ...extra, "--reporter=default", "--reporter=json", `--outputFile.json=test-results/${name}.json`],
  env,
  count: vitestCount(`test-results/${name}.json`),
});
const e2e = (name, projects) => ({
  name,
  cmd: [bin("playwright"), "test", ...projects.map((p) => `--project=${p}`), "--reporter=list,json"],
  env: { PLAYWRIGHT_JSON_OUTPUT_NAME: `test-results/${name}.json` },
  count: playwrightCount(`test-results/${name}.json`),
  before: () => {
    if (!existsSync("/usr/bin/chromium")) return "Chromium is missing at /usr/bin/chromium: apt-get install chromium (.ci/run does this).";
    return null;
  },
});

// Each lane's steps are made only for the lane that runs (the fast lane asks git what changed).
const lanes = {
  full: () => [{ parallel: staticChecks(false) }, vitest("unit+db", {}), e2e("e2e+visual", ["functional", "visual"])],
  // Both cores stay busy: the static checks run beside the tests (one after the other took 60 s for a
  // one-line change in a service, together 35 s).
  fast: () => [
    {
      parallel: [
        ...staticChecks(true),
        vitest("unit+db-pglite", { TEST_DB: "pglite" }, [
          "--experimental.fsModuleCache",
          ...(args.includes("--all") ? [] : ["--changed", "--passWithNoTests"]),
        ]),
      ],
    },
  ],
  visual: () => [e2e("visual", ["visual"])],
};
if (!lanes[lane]) {
  console.error(`Unknown lane "${lane}". Lanes: ${Object.keys(lanes).join(", ")}`);
  process.exit(2);
}

function run(step, { quiet } = {}) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const problem = step.before?.();
    if (problem) {
      console.error(`✘ ${step.name}: ${problem}`);
      resolve({ name: step.name, ok: false, seconds: 0, counts: null, note: problem });
      return;
    }
    const child = spawn(step.cmd[0], step.cmd.slice(1), {
      stdio: quiet ? ["ignore", "pipe", "pipe"] : "inherit",
      env: { ...process.env, ...(step.env ?? {}) },
    });
    let output = "";
    if (quiet) {
      child.stdout.on("data", (d) => (output += d));
      child.stderr.on("data", (d) => (output += d));
    }
    child.on("close", (code) => {
      let counts = null;
      if (step.count) {
        try {
          counts = step.count();
        } catch {
          counts = null;
        }
      }
      resolve({ name: step.name, ok: code === 0, seconds: (Date.now() - t0) / 1000, counts, output });
    });
  });
}

const started = Date.now();
const results = [];
for (const entry of lanes[lane]()) {
  if (entry.parallel) {
    const steps = entry.parallel.filter((s) => !only.length || only.includes(s.name));
    if (!steps.length) continue;
    console.log(`\n━━ ${steps.map((s) => s.name).join(" + ")} ━━`);
    // Test steps stream their progress; static checks print their output only when they fail.
    const rs = await Promise.all(steps.map((s) => run(s, { quiet: !s.count })));
    for (const r of rs) {
      console.log(`${r.ok ? "✔" : "✘"} ${r.name} (${r.seconds.toFixed(1)} s)`);
      if (!r.ok) console.log(r.output);
    }
    results.push(...rs);
    continue;
  }
  if (only.length && !only.includes(entry.name)) continue;
  console.log(`\n━━ ${entry.name} ━━`);
  results.push(await run(entry));
}

console.log("\n━━ summary ━━");
let passed = 0;
let failed = 0;
let skipped = 0;
const skippedLines = [];
for (const r of results) {
  const c = r.counts ? ` (${r.counts.passed} passed, ${r.counts.failed} failed, ${r.counts.skipped} skipped)` : "";
  console.log(`${r.ok ? "✔" : "✘"} ${r.name.padEnd(15)} ${r.seconds.toFixed(1).padStart(6)} s${c}`);
  if (r.counts) {
    passed += r.counts.passed;
    failed += r.counts.failed;
    skipped += r.counts.skipped;
    skippedLines.push(...r.counts.skippedTests.map((t) => `  ${r.name}: ${t}`));
  }
  if (!r.ok && (!r.counts || r.counts.failed === 0)) failed += 1; // the step itself failed (setup, build, a static check)
}
if (skippedLines.length) {
  console.log(
    `skipped, and why:\n${skippedLines.slice(0, 50).join("\n")}${skippedLines.length > 50 ? `\n  … and ${skippedLines.length - 50} more` : ""}`,
  );
}
let ok = results.every((r) => r.ok);
if (ci && skipped > 0) {
  console.log(`✘ CI does not skip: ${skipped} test(s) skipped (see above). Give them what they need (Postgres, Chromium).`);
  ok = false;
}
console.log(`lane ${lane}, total ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(ok ? 0 : 1);
