#!/usr/bin/env node
// Fails when db/schema and the committed migrations disagree: drizzle-kit generate into a scratch
// copy of db/migrations must produce nothing new.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

// drizzle-kit resolves `out` relative to the working directory (absolute paths break), so the
// scratch copy lives inside the project.
const scratch = `.drizzle-check-${process.pid}`;
const out = `${scratch}/migrations`;
mkdirSync(scratch, { recursive: true });
cpSync("db/migrations", out, { recursive: true });
const countSql = () => readdirSync(out).filter((f) => f.endsWith(".sql")).length;
const before = countSql();
const config = path.join(scratch, "drizzle.config.mjs");
writeFileSync(
  config,
  `export default { dialect: "postgresql", schema: "./db/schema.ts", out: ${JSON.stringify(`./${out}`)}, casing: "snake_case", strict: true };\n`,
);
let failed = false;
try {
  const r = spawnSync(process.execPath, ["node_modules/drizzle-kit/bin.cjs", "generate", "--config", config, "--name", "check"], {
    encoding: "utf8",
  });
  const output = `${r.stdout}\n${r.stderr}`;
  // drizzle-kit can print an error and still exit 0: treat any error output as a failure.
  if (r.status !== 0 || /\bError\b|ENOENT/.test(output)) {
    console.error(`drizzle-kit generate failed:\n${output}`);
    failed = true;
  } else if (countSql() !== before) {
    console.error("db/schema and db/migrations disagree: run `npm run db:generate` and commit the new migration.");
    failed = true;
  } else {
    console.log(`migrations: schema and the ${before} committed migrations agree`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
