#!/usr/bin/env node
// npm test: type check, lint, schema/migration agreement, unit + database tests (vitest), then
// end-to-end tests in Chromium (Playwright). Every step runs; the exit code says if any failed.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
process.chdir(root);
mkdirSync("test-results", { recursive: true });
const bin = (name) => path.join("node_modules", ".bin", name);
const started = Date.now();

const steps = [
  { name: "typecheck", cmd: [bin("tsc"), "--noEmit"] },
  { name: "lint", cmd: [bin("eslint"), "."] },
  { name: "migrations", cmd: [process.execPath, "scripts/check-migrations.mjs"] },
  {
    name: "unit+db",
    cmd: [bin("vitest"), "run", "--reporter=default", "--reporter=json", "--outputFile.json=test-results/vitest.json"],
    count: () => {
      const r = JSON.parse(readFileSync("test-results/vitest.json", "utf8"));
      return { passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + (r.numTodoTests ?? 0) };
    },
  },
  {
    name: "e2e",
    cmd: [bin("playwright"), "test", "--reporter=list,json"],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: "test-results/playwright.json" },
    count: () => {
      const r = JSON.parse(readFileSync("test-results/playwright.json", "utf8"));
      return { passed: r.stats.expected + (r.stats.flaky ?? 0), failed: r.stats.unexpected, skipped: r.stats.skipped };
    },
  },
];

const only = process.argv.slice(2);
const results = [];
for (const step of steps) {
  if (only.length && !only.includes(step.name)) continue;
  const t0 = Date.now();
  console.log(`\n━━ ${step.name} ━━`);
  const r = spawnSync(step.cmd[0], step.cmd.slice(1), { stdio: "inherit", env: { ...process.env, ...(step.env ?? {}) } });
  let counts = null;
  if (step.count) {
    try {
      counts = step.count();
    } catch {
      counts = null;
    }
  }
  results.push({ name: step.name, ok: r.status === 0, seconds: (Date.now() - t0) / 1000, counts });
}

console.log("\n━━ summary ━━");
let passed = 0;
let failed = 0;
let skipped = 0;
for (const r of results) {
  const c = r.counts ? ` (${r.counts.passed} passed, ${r.counts.failed} failed, ${r.counts.skipped} skipped)` : "";
  console.log(`${r.ok ? "✔" : "✘"} ${r.name.padEnd(11)} ${r.seconds.toFixed(1).padStart(6)} s${c}`);
  if (r.counts) {
    passed += r.counts.passed;
    failed += r.counts.failed;
    skipped += r.counts.skipped;
  } else if (!r.ok) failed += 1;
  if (!r.ok && r.counts && r.counts.failed === 0) failed += 1; // the step itself failed (e.g. setup)
}
console.log(`total ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
