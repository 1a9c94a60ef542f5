import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateApiKey } from "@/lib/services/api-keys";
import { createWorkspace } from "@/lib/services/workspaces";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { cliDataDir, runCli } from "@/lib/testing/run-cli";

let t: TestDb;
let env: { databaseUrl?: string; dataDir: string };
beforeAll(async () => {
  t = await createTestDb();
  env = { databaseUrl: t.url, dataDir: cliDataDir("keys", { embedded: !t.url }) };
});
afterAll(async () => {
  await t.close();
});

describe("operator CLI: api-keys", () => {
  it("api-keys:create prints the key once as JSON; list and revoke work; the key authenticates until revoked", async (ctx) => {
    if (!t.url) ctx.skip(); // the CLI is a separate process: it needs a server database to share
    const { workspace } = await createWorkspace(t.db, { slug: "cli-keys", name: "Keys", ownerEmail: "owner@keys.test" });
    const r = await runCli(["api-keys:create", "--workspace", "cli-keys", "--name", "terraform", "--json"], env);
    expect(r.code).toBe(0);
    const out = r.json as { id: string; key: string; name: string; prefix: string; workspace: { slug: string } };
    expect(out.key).toMatch(/^gh_live_[A-Za-z0-9_-]{43,}$/);
    expect(out).toMatchObject({ name: "terraform", workspace: { slug: "cli-keys" } });
    expect(out.key.startsWith(out.prefix)).toBe(true);
    expect((await authenticateApiKey(t.db, out.key)).workspace.id).toBe(workspace.id);

    const list = await runCli(["api-keys:list", "--workspace", "cli-keys", "--json"], env);
    const keys = list.json as { id: string; prefix: string }[];
    expect(keys.map((k) => k.id)).toEqual([out.id]);
    expect(JSON.stringify(keys)).not.toContain(out.key);

    const revoked = await runCli(["api-keys:revoke", "--workspace", "cli-keys", "--id", out.id, "--json"], env);
    expect(revoked.code).toBe(0);
    await expect(authenticateApiKey(t.db, out.key)).rejects.toMatchObject({ code: "INVALID_API_KEY" });
  });

  it("operator keys are admin unless made with --role owner; --scope read_only makes a read-only key", async (ctx) => {
    if (!t.url) ctx.skip();
    const { workspace } = await createWorkspace(t.db, { slug: "cli-key-roles", name: "Roles", ownerEmail: "owner@key-roles-cli.test" });
    const plain = await runCli(["api-keys:create", "--workspace", "cli-key-roles", "--name", "ci", "--json"], env);
    expect(plain.json).toMatchObject({ role: "admin", scope: "read_write", created_by: null });
    const owner = await runCli(
      ["api-keys:create", "--workspace", "cli-key-roles", "--name", "tf", "--role", "owner", "--scope", "read_only", "--json"],
      env,
    );
    expect(owner.json).toMatchObject({ role: "owner", scope: "read_only" });
    const auth = await authenticateApiKey(t.db, (owner.json as { key: string }).key);
    expect(auth).toMatchObject({ workspace: { id: workspace.id }, apiKey: { role: "owner", scope: "read_only" } });
    const bad = await runCli(["api-keys:create", "--workspace", "cli-key-roles", "--name", "x", "--scope", "everything", "--json"], env);
    expect(bad.json).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
  });

  it("refuses an unknown workspace and a missing name with stable codes", async () => {
    const r = await runCli(["api-keys:create", "--workspace", "nope-ws", "--name", "x", "--json"], env);
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ error: { code: "NOT_FOUND" } });
    const missing = await runCli(["api-keys:create", "--workspace", "nope-ws", "--json"], env);
    expect(missing.json).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
  });
});
