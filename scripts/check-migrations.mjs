#!/usr/bin/env node
// Fails when db/schema and the committed migrations disagree: drizzle-kit generate into a scratch
// copy of db/migrations must produce nothing new.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const tmp = mkdtempSync(path.join(os.tmpdir(), "gh-migrations-"));
const out = path.join(tmp, "migrations");
cpSync("db/migrations", out, { recursive: true });
const before = readdirSync(out).filter((f) => f.endsWith(".sql")).length;
const config = path.join(process.cwd(), `.drizzle-check-${process.pid}.config.mjs`);
writeFileSync(
  config,
  `export default { dialect: "postgresql", schema: "./db/schema.ts", out: ${JSON.stringify(out)}, casing: "snake_case", strict: true };\n`,
);
try {
  const r = spawnSync(process.execPath, ["node_modules/drizzle-kit/bin.cjs", "generate", "--config", config, "--name", "check"], { encoding: "utf8" });
  if (r.status !== 0) {
    console.error(r.stdout, r.stderr);
    process.exit(1);
  }
  const after = readdirSync(out).filter((f) => f.endsWith(".sql")).length;
  if (after !== before) {
    console.error("db/schema and db/migrations disagree: run `npm run db:generate` and commit the new migration.");
    process.exit(1);
  }
  console.log("migrations: schema and committed migrations agree");
} finally {
  rmSync(config, { force: true });
  rmSync(tmp, { recursive: true, force: true });
}
