import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateOperatorKey } from "@/lib/services/operator-keys";
import { authenticateApiKey } from "@/lib/services/api-keys";
import { runCli } from "@/lib/testing/run-cli";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";

let t: TestDb;
let env: { databaseUrl?: string; dataDir: string };
beforeAll(async () => {
  t = await createTestDb();
  env = { databaseUrl: t.url, dataDir: process.env.DATA_DIR! };
});
afterAll(async () => {
  await t.close();
});

describe("operator CLI: operator-keys", () => {
  it("operator-keys:create prints the key once (gh_op_…, only its hash stored); list and revoke; never a workspace key", async (ctx) => {
    if (!t.url) ctx.skip(); // the CLI is a separate process: it needs a server database to share
    const r = await runCli(["operator-keys:create", "--name", "billing-backend", "--json"], env);
    expect(r.code, r.stderr).toBe(0);
    const out = r.json as { id: string; key: string; prefix: string };
    expect(out.key).toMatch(/^gh_op_[A-Za-z0-9_-]{43}$/);
    expect((await authenticateOperatorKey(t.db, out.key)).id).toBe(out.id);
    // An operator key is not a workspace key, and the other way round.
    await expect(authenticateApiKey(t.db, out.key)).rejects.toMatchObject({ code: "INVALID_API_KEY" });
    await expect(authenticateOperatorKey(t.db, `gh_live_${out.key.slice(6)}`)).rejects.toMatchObject({ code: "INVALID_API_KEY" });

    const list = await runCli(["operator-keys:list", "--json"], env);
    expect(list.stdout).not.toContain(out.key);
    expect((list.json as { id: string }[]).map((k) => k.id)).toContain(out.id);
    await runCli(["operator-keys:revoke", "--id", out.id, "--json"], env);
    await expect(authenticateOperatorKey(t.db, out.key)).rejects.toMatchObject({ code: "INVALID_API_KEY" });
  });
});
