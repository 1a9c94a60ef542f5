import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getInvitationByToken } from "@/lib/services/invitations";
import { listRoleMappings } from "@/lib/services/role-mapping";
import { listAuditPage } from "@/lib/services/audit";
import { makeConnection, makeWorkspace } from "@/lib/testing/fixtures";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { cliDataDir, runCli } from "@/lib/testing/run-cli";

let t: TestDb;
let env: { databaseUrl?: string; dataDir: string };
beforeAll(async () => {
  t = await createTestDb();
  env = { databaseUrl: t.url, dataDir: cliDataDir("members", { embedded: !t.url }) };
});
afterAll(async () => {
  await t.close();
});

describe("operator CLI: members and role mapping", () => {
  it("members:invite prints the link as JSON; members:list shows the invited member", async (ctx) => {
    if (!t.url) ctx.skip();
    const { workspace, owner } = await makeWorkspace(t.db);
    const r = await runCli(
      ["members:invite", "--workspace", workspace.slug, "--email", "New.Person@Example.test", "--role", "editor", "--json"],
      env,
    );
    expect(r.code).toBe(0);
    const out = r.json as { email: string; role: string; status: string; invite_url: string };
    expect(out).toMatchObject({ email: "new.person@example.test", role: "editor", status: "pending" });
    const view = await getInvitationByToken(t.db, out.invite_url.split("/invite/")[1]!);
    expect(view.workspace.slug).toBe(workspace.slug);

    const list = await runCli(["members:list", "--workspace", workspace.slug, "--json"], env);
    expect(list.code).toBe(0);
    const members = list.json as { email: string; role: string; status: string; source: string }[];
    expect(members).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ email: owner.email, role: "owner", status: "active", source: "password" }),
        expect.objectContaining({ email: "new.person@example.test", role: "editor", status: "invited" }),
      ]),
    );
    expect(JSON.stringify(members)).not.toMatch(/password_?hash|token/i);

    const bad = await runCli(
      ["members:invite", "--workspace", workspace.slug, "--email", "x@example.test", "--role", "root", "--json"],
      env,
    );
    expect(bad.code).toBe(1);
    expect((bad.json as { error: { code: string } }).error.code).toBe("VALIDATION_FAILED");
    const missing = await runCli(["members:list", "--workspace", "no-such-ws", "--json"], env);
    expect((missing.json as { error: { code: string } }).error.code).toBe("NOT_FOUND");
  });

  it("connections:map-role appends rules in order, refuses owner, and is audited", async (ctx) => {
    if (!t.url) ctx.skip();
    const { workspace } = await makeWorkspace(t.db);
    const c = await makeConnection(t.db, workspace.id);
    const a = await runCli(
      ["connections:map-role", "--slug", c.slug, "--attribute", "groups", "--value", "Admins", "--role", "admin", "--json"],
      env,
    );
    expect(a.code).toBe(0);
    const b = await runCli(
      ["connections:map-role", "--slug", c.slug, "--attribute", "appRole", "--value", "editor", "--role", "editor"],
      env,
    );
    expect(b.code).toBe(0);
    const rules = await listRoleMappings(t.db, workspace.id, c.id);
    expect(rules.map((r) => [r.position, r.attribute, r.value, r.role])).toEqual([
      [0, "groups", "Admins", "admin"],
      [1, "appRole", "editor", "editor"],
    ]);
    const owner = await runCli(
      ["connections:map-role", "--slug", c.slug, "--attribute", "groups", "--value", "x", "--role", "owner", "--json"],
      env,
    );
    expect((owner.json as { error: { code: string } }).error.code).toBe("VALIDATION_FAILED");
    const unknown = await runCli(
      ["connections:map-role", "--slug", "nope-nope", "--attribute", "groups", "--value", "x", "--role", "viewer", "--json"],
      env,
    );
    expect((unknown.json as { error: { code: string } }).error.code).toBe("NOT_FOUND");
    const audit = await listAuditPage(t.db, workspace.id);
    expect(audit.items.filter((i) => i.action === "connection.role_mapping_added")).toHaveLength(2);
  });
});
