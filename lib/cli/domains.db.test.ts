import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDomainByNameOrThrow } from "@/lib/services/domains";
import { getEnforcement } from "@/lib/services/sso-enforcement";
import { startTestDnsServer, type TestDnsServer } from "@/lib/testing/dns-server";
import { makeConnection, makeWorkspace, uniq } from "@/lib/testing/fixtures";
import { cliDataDir, runCli } from "@/lib/testing/run-cli";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";

let t: TestDb;
let dns: TestDnsServer;
let dataDir: string;
beforeAll(async () => {
  t = await createTestDb();
  dns = await startTestDnsServer();
  dataDir = cliDataDir("domains", { embedded: !t.url });
});
afterAll(async () => {
  await dns.close();
  await t.close();
});

/** `npm run gatehouse -- …` as a real process, on the test database, resolving through the loopback DNS server. */
async function cli(args: string[]) {
  const r = await runCli(args, { databaseUrl: t.url ?? "", dataDir, extraEnv: { DNS_SERVERS: dns.address } });
  return { ...r, json: (r.json ?? {}) as Record<string, unknown> & { error?: { code: string } } };
}

describe("operator CLI: domains and enforcement", () => {
  it("domains:add → domains:verify → domains:route → workspaces:enforce, with --json", async (ctx) => {
    if (!t.url) ctx.skip();
    const { workspace } = await makeWorkspace(t.db);
    const conn = await makeConnection(t.db, workspace.id);
    const domain = `cli-${uniq()}.example.com`;

    const added = await cli(["domains:add", "--workspace", workspace.slug, "--domain", `@${domain.toUpperCase()}`, "--json"]);
    expect(added.code).toBe(0);
    const record = added.json.txt_record as { name: string; value: string };
    expect(added.json).toMatchObject({ domain, status: "pending", txt_record: { type: "TXT", name: `_gatehouse-challenge.${domain}` } });
    expect(record.value).toMatch(/^gatehouse-verification=/);
    expect(added.json.verification_record).toEqual(added.json.txt_record);

    const human = await cli(["domains:add", "--workspace", workspace.slug, "--domain", domain]);
    expect(human.stdout).toContain(record.name);
    expect(human.stdout).toContain(record.value);

    const missing = await cli(["domains:verify", "--workspace", workspace.slug, "--domain", domain, "--json"]);
    expect(missing.code).toBe(1);
    expect(missing.json.error?.code).toBe("DNS_RECORD_MISSING");

    dns.setTxt(record.name, ["gatehouse-verification=wrong"]);
    expect((await cli(["domains:verify", "--workspace", workspace.slug, "--domain", domain, "--json"])).json.error?.code).toBe(
      "DNS_RECORD_MISMATCH",
    );

    dns.setTxt(record.name, [record.value]);
    const verified = await cli(["domains:verify", "--workspace", workspace.slug, "--domain", domain, "--json"]);
    expect(verified.code).toBe(0);
    expect(verified.json).toMatchObject({ domain, status: "verified" });

    const routed = await cli(["domains:route", "--domain", domain, "--connection", conn.slug, "--json"]);
    expect(routed.code).toBe(0);
    expect(routed.json).toMatchObject({ domain, connection_id: conn.id, connection: { slug: conn.slug } });
    expect((await getDomainByNameOrThrow(t.db, workspace.id, domain)).connectionId).toBe(conn.id);

    const bad = await cli(["workspaces:enforce", "--workspace", workspace.slug, "--mode", "always", "--json"]);
    expect(bad.json.error?.code).toBe("VALIDATION_FAILED");
    const enforced = await cli(["workspaces:enforce", "--workspace", workspace.slug, "--mode", "verified_domains", "--json"]);
    expect(enforced.code).toBe(0);
    expect(enforced.json).toMatchObject({ mode: "verified_domains", workspace: { slug: workspace.slug } });
    expect((await getEnforcement(t.db, workspace.id)).mode).toBe("verified_domains");
  });

  it("domains:route refuses a connection of another workspace than the domain's", async (ctx) => {
    if (!t.url) ctx.skip();
    const a = await makeWorkspace(t.db);
    const b = await makeWorkspace(t.db);
    const connB = await makeConnection(t.db, b.workspace.id);
    const domain = `x-${uniq()}.example.com`;
    await cli(["domains:add", "--workspace", a.workspace.slug, "--domain", domain, "--json"]);
    const r = await cli(["domains:route", "--domain", domain, "--connection", connB.slug, "--json"]);
    expect(r.code).toBe(1);
    expect(r.json.error?.code).toBe("NOT_FOUND");
    const invalid = await cli(["domains:add", "--workspace", a.workspace.slug, "--domain", "localhost", "--json"]);
    expect(invalid.json.error?.code).toBe("DOMAIN_INVALID");
  });
});
