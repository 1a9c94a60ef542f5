import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cliEnv } from "@/lib/testing/run-cli";

/**
 * The other CLI suites run the compiled CLI (quicker to start); this one runs exactly what the README
 * tells an operator to type, `npm run gatehouse -- …`, through the TypeScript entry.
 */
describe("npm run gatehouse", () => {
  it("creates a workspace on the embedded database and prints it as JSON", () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "gh-cli-npm-"));
    const r = spawnSync(
      "npm",
      [
        "run",
        "--silent",
        "gatehouse",
        "--",
        "workspaces:create",
        "--slug",
        "npm-co",
        "--name",
        "Npm Co",
        "--owner-email",
        "owner@npm.test",
        "--json",
      ],
      {
        cwd: process.cwd(),
        encoding: "utf8",
        env: cliEnv({ dataDir }),
        timeout: 60_000,
      },
    );
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ workspace: { slug: "npm-co", name: "Npm Co" } });
  });
});
