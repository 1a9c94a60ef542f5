import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { cliDataDir, runCli } from "@/lib/testing/run-cli";
import { signInWithPassword } from "@/lib/services/password-sign-in";

let t: TestDb;
let env: { databaseUrl?: string; dataDir: string };
beforeAll(async () => {
  t = await createTestDb();
  env = { databaseUrl: t.url, dataDir: cliDataDir("ws", { embedded: !t.url }) };
});
afterAll(async () => {
  await t.close();
});

describe("operator CLI: workspaces and users", () => {
  it("--help lists the commands", async () => {
    const r = await runCli(["--help"], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("workspaces:create");
    expect(r.stdout).toContain("users:set-password");
  });

  it("workspaces:create prints JSON and refuses a taken slug with a stable code", async (ctx) => {
    if (!t.url) ctx.skip(); // the CLI is a separate process: it needs a server database to share
    const r = await runCli(
      [
        "workspaces:create",
        "--slug",
        "cli-co",
        "--name",
        "CLI Co",
        "--owner-email",
        "Owner@CLI.test",
        "--owner-password",
        "cli-password-1",
        "--json",
      ],
      env,
    );
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ workspace: { slug: "cli-co", name: "CLI Co" }, owner: { email: "owner@cli.test" } });
    const again = await runCli(["workspaces:create", "--slug", "cli-co", "--name", "X", "--owner-email", "x@cli.test", "--json"], env);
    expect(again.code).toBe(1);
    expect(again.json).toMatchObject({ error: { code: "SLUG_TAKEN" } });
    const user = await signInWithPassword(t.db, { email: "owner@cli.test", password: "cli-password-1", ip: null });
    expect(user.email).toBe("owner@cli.test");
  });

  it("reports missing flags and bad values as validation errors", async () => {
    const r = await runCli(["workspaces:create", "--slug", "x", "--json"], env);
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
    const bad = await runCli(["workspaces:create", "--slug", "Bad Slug!", "--name", "n", "--owner-email", "a@b.test", "--json"], env);
    expect(bad.json).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
  });

  it("users:set-password generates and prints a password when not on a terminal", async (ctx) => {
    if (!t.url) ctx.skip();
    await runCli(["workspaces:create", "--slug", "cli-pw", "--name", "PW", "--owner-email", "pw@cli.test", "--json"], env);
    const r = await runCli(["users:set-password", "--email", "pw@cli.test", "--json"], env);
    expect(r.code).toBe(0);
    const password = (r.json as { password: string }).password;
    expect(password.length).toBeGreaterThanOrEqual(16);
    expect((await signInWithPassword(t.db, { email: "pw@cli.test", password, ip: null })).email).toBe("pw@cli.test");
    const missing = await runCli(["users:set-password", "--email", "ghost@cli.test", "--json"], env);
    expect(missing.json).toMatchObject({ error: { code: "NOT_FOUND" } });
  });
});
