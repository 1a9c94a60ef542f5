import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

/** A scratch copy of the project's schema, migrations and check script (node_modules linked). */
function scratchProject(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gh-migcheck-"));
  cpSync("db", path.join(dir, "db"), { recursive: true, filter: (src) => !src.endsWith(".test.ts") });
  cpSync("scripts/check-migrations.mjs", path.join(dir, "scripts", "check-migrations.mjs"));
  symlinkSync(path.resolve("node_modules"), path.join(dir, "node_modules"));
  return dir;
}

const check = (cwd: string) => spawnSync(process.execPath, ["scripts/check-migrations.mjs"], { cwd, encoding: "utf8" });

describe("CI migration check", () => {
  it("passes when the schema matches the committed migrations", () => {
    const r = check(scratchProject());
    expect(r.status).toBe(0);
  });

  it("fails when the schema changed without a migration", () => {
    const dir = scratchProject();
    const file = path.join(dir, "db", "schema", "users.ts");
    writeFileSync(file, readFileSync(file, "utf8").replace("name: text(),", "name: text(),\n    nickname: text(),"));
    const r = check(dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("disagree");
  });
});
