import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAuditPage } from "@/lib/services/audit";
import { resolveSetupLinkToken } from "@/lib/services/setup-links";
import { makeWorkspace } from "@/lib/testing/fixtures";
import { cliDataDir, runCli } from "@/lib/testing/run-cli";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";

let t: TestDb;
let env: { databaseUrl?: string; dataDir: string };
beforeAll(async () => {
  t = await createTestDb();
  env = { databaseUrl: t.url, dataDir: cliDataDir("setup-links", { embedded: !t.url }) };
});
afterAll(async () => {
  await t.close();
});

describe("operator CLI: setup links", () => {
  it("setup-links:create prints id, url and expires_at; setup-links:revoke --id stops it at once", async (ctx) => {
    if (!t.url) ctx.skip(); // the CLI is a separate process: it needs a server database to share
    const { workspace } = await makeWorkspace(t.db);
    const r = await runCli(
      ["setup-links:create", "--workspace", workspace.slug, "--purpose", "sso", "--expires-in-days", "10", "--json"],
      env,
    );
    expect(r.code, r.stderr).toBe(0);
    const out = r.json as { id: string; url: string; expires_at: string };
    expect(out.url).toMatch(/^http:\/\/localhost:3999\/setup#[A-Za-z0-9_-]{43}$/);
    const days = (Date.parse(out.expires_at) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(9.9);
    expect(days).toBeLessThanOrEqual(10);
    const token = out.url.split("#")[1]!;
    expect((await resolveSetupLinkToken(t.db, token))?.link.id).toBe(out.id);

    const human = await runCli(["setup-links:create", "--workspace", workspace.slug, "--purpose", "domains"], env);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/\/setup#[A-Za-z0-9_-]{43}/);
    expect(human.stdout).toMatch(/expires_at: /);

    const rev = await runCli(["setup-links:revoke", "--id", out.id, "--json"], env);
    expect(rev.code, rev.stderr).toBe(0);
    expect(rev.json).toMatchObject({ id: out.id, status: "revoked" });
    expect(await resolveSetupLinkToken(t.db, token)).toBeNull();
    const { items } = await listAuditPage(t.db, workspace.id);
    expect(items.map((i) => i.action)).toEqual(expect.arrayContaining(["setup_link.created", "setup_link.revoked"]));
  }, 180_000);

  it("refuses a purpose outside sso|domains|directory, more than 30 days, an unknown workspace or id", async (ctx) => {
    if (!t.url) ctx.skip();
    const { workspace } = await makeWorkspace(t.db);
    const bad = await runCli(["setup-links:create", "--workspace", workspace.slug, "--purpose", "members", "--json"], env);
    expect(bad.code).toBe(1);
    expect(bad.json).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
    const long = await runCli(
      ["setup-links:create", "--workspace", workspace.slug, "--purpose", "sso", "--expires-in-days", "31", "--json"],
      env,
    );
    expect(long.json).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
    const nows = await runCli(["setup-links:create", "--workspace", "no-such-ws", "--purpose", "sso", "--json"], env);
    expect(nows.json).toMatchObject({ error: { code: "NOT_FOUND" } });
    const noid = await runCli(["setup-links:revoke", "--id", "3f0c2b1e-8d4a-4c6b-9e2f-1a2b3c4d5e6f", "--json"], env);
    expect(noid.json).toMatchObject({ error: { code: "NOT_FOUND" } });
  }, 180_000);
});
