import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { authenticateDirectoryToken } from "@/lib/services/directories";
import { makeWorkspace } from "@/lib/testing/fixtures";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { cliDataDir, runCli } from "@/lib/testing/run-cli";
import { emitEvent } from "@/lib/webhooks/emit";
import { webhookHeaders } from "@/lib/webhooks/signature";

let t: TestDb;
let env: { databaseUrl?: string; dataDir: string };
beforeAll(async () => {
  t = await createTestDb();
  env = { databaseUrl: t.url, dataDir: cliDataDir("dirs", { embedded: !t.url }) };
});
afterAll(async () => {
  await t.close();
});

describe("operator CLI: directories and webhooks", () => {
  it("directories:create prints id, scim_base_url and the token once; list; rotate-token keeps the old token for the overlap", async (ctx) => {
    if (!t.url) ctx.skip(); // the CLI is a separate process: it needs a server database to share
    const { workspace } = await makeWorkspace(t.db);
    const r = await runCli(["directories:create", "--workspace", workspace.slug, "--name", "Okta", "--kind", "okta", "--json"], env);
    expect(r.code, r.stderr).toBe(0);
    const out = r.json as { id: string; scim_base_url: string; token: string; kind: string };
    expect(out.scim_base_url).toBe(`http://localhost:3999/api/scim/v2/${out.id}`);
    expect(out.token).toMatch(/^scim_[A-Za-z0-9_-]{43}$/);
    expect(out.kind).toBe("okta");
    expect((await authenticateDirectoryToken(t.db, out.id, out.token))?.workspaceId).toBe(workspace.id);

    const list = await runCli(["directories:list", "--workspace", workspace.slug, "--json"], env);
    expect((list.json as { id: string }[]).map((d) => d.id)).toEqual([out.id]);
    expect(list.stdout).not.toContain(out.token);
    const human = await runCli(["directories:list", "--workspace", workspace.slug], env);
    expect(human.stdout).toContain(out.scim_base_url);

    const rot = await runCli(["directories:rotate-token", "--id", out.id, "--overlap-minutes", "5", "--json"], env);
    const rotated = rot.json as { token: string; previous_valid_until: string };
    expect(rotated.token).not.toBe(out.token);
    expect(await authenticateDirectoryToken(t.db, out.id, rotated.token)).not.toBeNull();
    expect(await authenticateDirectoryToken(t.db, out.id, out.token)).not.toBeNull();
    expect(await authenticateDirectoryToken(t.db, out.id, out.token, new Date(Date.parse(rotated.previous_valid_until) + 1000))).toBeNull();

    const bad = await runCli(["directories:create", "--workspace", workspace.slug, "--name", "X", "--kind", "google", "--json"], env);
    expect(bad.code).toBe(1);
    expect(bad.json).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
  });

  it("webhooks:create (--workspace | --instance) prints id and secret; list; deliveries shows the log", async (ctx) => {
    if (!t.url) ctx.skip();
    const { workspace } = await makeWorkspace(t.db);
    const r = await runCli(
      [
        "webhooks:create",
        "--workspace",
        workspace.slug,
        "--url",
        "https://app.example/hooks",
        "--events",
        "user.created,user.deprovisioned",
        "--json",
      ],
      env,
    );
    expect(r.code, r.stderr).toBe(0);
    const ep = r.json as { id: string; secret: string; event_types: string[]; scope: string };
    expect(ep.secret).toMatch(/^whsec_/);
    expect(ep).toMatchObject({ scope: "workspace", event_types: ["user.created", "user.deprovisioned"] });
    // The printed secret is the one deliveries are signed with.
    const headers = webhookHeaders(ep.secret, "msg_1", new Date(), "{}");
    expect(new Webhook(ep.secret).verify("{}", headers)).toEqual({});

    const inst = await runCli(["webhooks:create", "--instance", "--url", "https://operator.example/hooks", "--json"], env);
    expect(inst.json).toMatchObject({ scope: "instance", event_types: [] });
    const both = await runCli(
      ["webhooks:create", "--instance", "--workspace", workspace.slug, "--url", "https://x.example", "--json"],
      env,
    );
    expect(both.code).toBe(1);
    const badEvent = await runCli(["webhooks:create", "--instance", "--url", "https://x.example", "--events", "user.nope", "--json"], env);
    expect(badEvent.json).toMatchObject({ error: { code: "VALIDATION_FAILED" } });

    const list = await runCli(["webhooks:list", "--workspace", workspace.slug, "--json"], env);
    expect((list.json as { id: string }[]).map((e) => e.id)).toEqual([ep.id]);
    expect(list.stdout).not.toContain(ep.secret);

    await emitEvent(t.db, {
      workspaceId: workspace.id,
      type: "user.deprovisioned",
      data: {
        organization_id: workspace.id,
        user_id: "u",
        email: "a@b.test",
        reason: "scim_deactivated",
        directory_id: null,
        sessions_revoked: true,
      },
    });
    const log = await runCli(["webhooks:deliveries", "--id", ep.id, "--json"], env);
    expect(log.json).toMatchObject([{ event_type: "user.deprovisioned", status: "pending", attempts: 0 }]);
    const none = await runCli(["webhooks:deliveries", "--id", "00000000-0000-0000-0000-000000000000", "--json"], env);
    expect(none.json).toMatchObject({ error: { code: "NOT_FOUND" } });
  });
});
