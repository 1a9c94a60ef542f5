/** workspaces:ip-allowlist (issue 14, part 4): the operator sets and clears a workspace's sign-in IP allowlist. */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "@/db/schema";
import { isAppError } from "@/lib/errors";
import { makeWorkspace } from "@/lib/testing/fixtures";
import { cliDataDir, runCli } from "@/lib/testing/run-cli";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { getIpAllowlist } from "@/lib/services/ip-allowlist";
import { signInWithPassword } from "@/lib/services/password-sign-in";

let t: TestDb;
let env: { databaseUrl?: string; dataDir: string };
beforeAll(async () => {
  t = await createTestDb();
  env = { databaseUrl: t.url, dataDir: cliDataDir("ipal", { embedded: !t.url }) };
});
afterAll(async () => {
  await t.close();
});

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => (isAppError(e) ? e.code : String(e)),
  );

describe("operator CLI: workspaces:ip-allowlist", () => {
  it("--set stores normalised IPv4 and IPv6 ranges (audited), sign-ins from outside are refused, --clear lifts it", async (ctx) => {
    if (!t.url) ctx.skip(); // the CLI is a separate process: it needs a server database to share
    const { workspace, owner } = await makeWorkspace(t.db, { ownerPassword: "cli-ipal-password-1" });
    const set = await runCli(
      ["workspaces:ip-allowlist", "--workspace", workspace.slug, "--set", "203.0.113.0/24, 2001:DB8::/32,::ffff:198.51.100.7", "--json"],
      env,
    );
    expect(set.code).toBe(0);
    expect(set.json).toMatchObject({
      workspace: { slug: workspace.slug },
      enabled: true,
      ranges: ["203.0.113.0/24", "2001:db8::/32", "198.51.100.7/32"],
      exempt_break_glass_owners: false,
    });
    expect((await getIpAllowlist(t.db, workspace.id)).ranges).toEqual(["203.0.113.0/24", "2001:db8::/32", "198.51.100.7/32"]);
    const [audit] = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.workspaceId, workspace.id), eq(auditLog.action, "workspace.ip_allowlist_changed")));
    expect(audit).toMatchObject({ before: { ranges: [] }, after: { ranges: ["203.0.113.0/24", "2001:db8::/32", "198.51.100.7/32"] } });

    const signIn = (ip: string) => signInWithPassword(t.db, { email: owner.email, password: "cli-ipal-password-1", ip });
    expect(await refusal(signIn("192.0.2.10"))).toBe("IP_NOT_ALLOWED");
    expect(await refusal(signIn("203.0.113.10"))).toBeNull();
    expect(await refusal(signIn("2001:db8:5::1"))).toBeNull();

    const clear = await runCli(["workspaces:ip-allowlist", "--workspace", workspace.slug, "--clear", "--json"], env);
    expect(clear.code).toBe(0);
    expect(clear.json).toMatchObject({ enabled: false, ranges: [] });
    expect(await refusal(signIn("192.0.2.10"))).toBeNull();
    const cleared = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.workspaceId, workspace.id), eq(auditLog.action, "workspace.ip_allowlist_cleared")));
    expect(cleared).toHaveLength(1);
  }, 120_000);

  it("an invalid entry is refused naming it, and nothing changes", async (ctx) => {
    if (!t.url) ctx.skip();
    const { workspace } = await makeWorkspace(t.db);
    const r = await runCli(["workspaces:ip-allowlist", "--workspace", workspace.slug, "--set", "10.0.0.0/8,10.1.2.3/16", "--json"], env);
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
    expect(JSON.stringify(r.json)).toContain("10.1.2.3/16");
    expect(JSON.stringify(r.json)).toContain("10.1.0.0/16");
    expect((await getIpAllowlist(t.db, workspace.id)).ranges).toEqual([]);
  });

  it("needs exactly one of --set and --clear, and an existing workspace", async () => {
    const none = await runCli(["workspaces:ip-allowlist", "--workspace", "whatever", "--json"], env);
    expect(none.json).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
    const both = await runCli(["workspaces:ip-allowlist", "--workspace", "whatever", "--set", "10.0.0.0/8", "--clear", "--json"], env);
    expect(both.json).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
    const missing = await runCli(["workspaces:ip-allowlist", "--workspace", "no-such-ws", "--clear", "--json"], env);
    expect(missing.json).toMatchObject({ error: { code: "NOT_FOUND" } });
  }, 120_000);
});
