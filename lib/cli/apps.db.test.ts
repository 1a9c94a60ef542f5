import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSecret } from "@/lib/crypto/secret-box";
import { findApplicationByClientId, listApplications } from "@/lib/services/applications";
import { listOidcKeys } from "@/lib/services/oidc-keys";
import { makeSamlKit } from "@/lib/testing/saml-kit";
import { runCli } from "@/lib/testing/run-cli";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";

let t: TestDb;
let env: { databaseUrl?: string; dataDir: string };
beforeAll(async () => {
  t = await createTestDb();
  // The tests' own DATA_DIR: the CLI seals secrets with the same (development) ENCRYPTION_KEY this process opens them with.
  env = { databaseUrl: t.url, dataDir: process.env.DATA_DIR! };
});
afterAll(async () => {
  await t.close();
});

describe("operator CLI: apps and OIDC signing keys", () => {
  it("apps:create prints client_id and the secret once (stored encrypted); list never shows it; rotate and delete", async (ctx) => {
    if (!t.url) ctx.skip(); // the CLI is a separate process: it needs a server database to share
    const r = await runCli(
      [
        "apps:create",
        "--name",
        "Billing",
        "--redirect-uri",
        "https://billing.example.com/api/auth/callback/gatehouse",
        "--redirect-uri",
        "http://localhost:3001/callback",
        "--post-logout-redirect-uri",
        "https://billing.example.com/",
        "--backchannel-logout-uri",
        "https://billing.example.com/api/backchannel-logout",
        "--initiate-login-uri",
        "https://billing.example.com/login",
        "--json",
      ],
      env,
    );
    expect(r.code, r.stderr).toBe(0);
    const out = r.json as { client_id: string; client_secret: string; redirect_uris: string[]; issuer: string };
    expect(out.client_id).toMatch(/^app_[A-Za-z0-9_-]{24}$/);
    expect(out.client_secret.length).toBeGreaterThanOrEqual(43);
    expect(out.redirect_uris).toHaveLength(2);
    expect(out.issuer).toBe("http://localhost:3999/oidc");
    const stored = (await findApplicationByClientId(t.db, out.client_id))!;
    expect(stored.clientSecretEncrypted).not.toContain(out.client_secret);
    expect(openSecret(stored.clientSecretEncrypted)).toBe(out.client_secret);

    const list = await runCli(["apps:list", "--json"], env);
    expect(list.stdout).not.toContain(out.client_secret);
    expect((list.json as { client_id: string }[]).map((a) => a.client_id)).toContain(out.client_id);

    const rotated = await runCli(["apps:rotate-secret", "--client-id", out.client_id, "--json"], env);
    const next = (rotated.json as { client_secret: string }).client_secret;
    expect(next).not.toBe(out.client_secret);
    expect(openSecret((await findApplicationByClientId(t.db, out.client_id))!.clientSecretEncrypted)).toBe(next);

    const human = await runCli(["apps:create", "--name", "Docs", "--redirect-uri", "https://docs.example.com/cb"], env);
    expect(human.stdout).toMatch(/client_id: +app_/);
    expect(human.stdout).toMatch(/client_secret: +\S{43}/);
    expect(human.stdout).toMatch(/not shown again/);

    const deleted = await runCli(["apps:delete", "--client-id", out.client_id, "--json"], env);
    expect(deleted.json).toEqual({ client_id: out.client_id, deleted: true });
    expect((await listApplications(t.db)).map((a) => a.clientId)).not.toContain(out.client_id);
  });

  it("refuses unsafe URIs and unknown clients with stable codes", async (ctx) => {
    if (!t.url) ctx.skip();
    for (const uri of ["http://billing.example.com/cb", "https://billing.example.com/cb#frag", "javascript:alert(1)", "/relative"]) {
      const r = await runCli(["apps:create", "--name", "Bad", "--redirect-uri", uri, "--json"], env);
      expect(r.code, uri).toBe(1);
      expect(r.json, uri).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
    }
    const missing = await runCli(["apps:create", "--name", "NoUri", "--json"], env);
    expect(missing.json).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
    const unknown = await runCli(["apps:rotate-secret", "--client-id", `app_${"x".repeat(24)}`, "--json"], env);
    expect(unknown.json).toMatchObject({ error: { code: "NOT_FOUND" } });
  });

  it("oidc:rotate-key --stage, --activate, --retire; out of order is CONFLICT", async (ctx) => {
    if (!t.url) ctx.skip();
    expect((await runCli(["oidc:rotate-key", "--retire", "--json"], env)).json).toMatchObject({ error: { code: "CONFLICT" } });
    expect((await runCli(["oidc:rotate-key", "--activate", "--json"], env)).json).toMatchObject({ error: { code: "CONFLICT" } });
    const staged = await runCli(["oidc:rotate-key", "--stage", "--json"], env);
    expect((staged.json as { keys: { state: string }[] }).keys.map((k) => k.state).sort()).toEqual(["active", "next"]);
    expect((await runCli(["oidc:rotate-key", "--stage", "--json"], env)).json).toMatchObject({ error: { code: "CONFLICT" } });
    const activated = await runCli(["oidc:rotate-key", "--activate", "--json"], env);
    expect((activated.json as { keys: { state: string; published: boolean }[] }).keys).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ state: "active" }),
        expect.objectContaining({ state: "retired", published: true }),
      ]),
    );
    await runCli(["oidc:rotate-key", "--retire", "--json"], env);
    const keys = await listOidcKeys(t.db);
    expect(keys.filter((k) => k.state === "retired" && k.retiredAt)).toHaveLength(1);
    expect(keys.filter((k) => k.state === "active")).toHaveLength(1);
    expect((await runCli(["oidc:rotate-key", "--json"], env)).json).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
  });

  it("connections:set-app points IdP-initiated sign-ins at an application with an initiate login URI", async (ctx) => {
    if (!t.url) ctx.skip();
    const kit = await makeSamlKit(t.db);
    const noInitiate = (await runCli(["apps:create", "--name", "Plain", "--redirect-uri", "https://plain.example.com/cb", "--json"], env))
      .json as {
      client_id: string;
    };
    const refused = await runCli(
      ["connections:set-app", "--slug", kit.connection.slug, "--client-id", noInitiate.client_id, "--json"],
      env,
    );
    expect(refused.json).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
    const app = (
      await runCli(
        [
          "apps:create",
          "--name",
          "Tile",
          "--redirect-uri",
          "https://tile.example.com/cb",
          "--initiate-login-uri",
          "https://tile.example.com/login",
          "--json",
        ],
        env,
      )
    ).json as { client_id: string };
    const ok = await runCli(["connections:set-app", "--slug", kit.connection.slug, "--client-id", app.client_id, "--json"], env);
    expect(ok.json).toMatchObject({ connection: { slug: kit.connection.slug }, default_application: app.client_id });
    const cleared = await runCli(["connections:set-app", "--slug", kit.connection.slug, "--none", "--json"], env);
    expect(cleared.json).toMatchObject({ default_application: null });
  });
});
