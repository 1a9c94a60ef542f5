import http from "node:http";
import { writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDevIdp } from "@/lib/dev-idp";
import { cliDataDir, runCli } from "@/lib/testing/run-cli";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { createWorkspace } from "@/lib/services/workspaces";
import { eq } from "drizzle-orm";
import { memberships } from "@/db/schema";
import { memberActor } from "@/lib/services/actor";
import { isTrustApprovedByCurrentOwner } from "@/lib/services/connection-trust";
import { createConnection, getConnectionOrThrow } from "@/lib/services/connections";
import { connectionCreateSchema } from "@/lib/schemas/connections";

let t: TestDb;
let dataDir: string;
let metadataFile: string;
let server: http.Server;
let metadataUrl: string;
const idp = createDevIdp({ entityId: "https://idp.cli.test/entity" });

beforeAll(async () => {
  t = await createTestDb();
  dataDir = cliDataDir("conn", { embedded: !t.url });
  metadataFile = path.join(dataDir, "idp.xml");
  writeFileSync(metadataFile, idp.metadataXml("https://idp.cli.test/sso"));
  await createWorkspace(t.db, { slug: "cli-ws", name: "CLI", ownerEmail: "o@cli.test" });
  server = http.createServer((_q, res) => res.end(idp.metadataXml("https://idp.cli.test/sso-url")));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  metadataUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/md`;
});
afterAll(async () => {
  server?.close();
  await t?.close();
});

describe("CLI connections:*", () => {
  const cli = (args: string[]) => runCli(args, { databaseUrl: t.url, dataDir });

  it("create (file and URL), list, rotate-key, errors", async (ctx) => {
    if (!t.url) ctx.skip(); // the CLI process needs a shared Postgres database
    const a = await cli([
      "connections:create",
      "--workspace",
      "cli-ws",
      "--name",
      "Okta",
      "--slug",
      "cli-okta",
      "--metadata-file",
      metadataFile,
      "--allow-idp-initiated",
      "--default-role",
      "editor",
      "--json",
    ]);
    expect(a.code, a.stdout + a.stderr).toBe(0);
    const conn = (a.json as { connection: Record<string, unknown> & { sp: Record<string, string> } }).connection;
    expect(conn).toMatchObject({ slug: "cli-okta", allow_idp_initiated: true, default_role: "editor", idp_entity_id: idp.entityId });
    expect(conn.sp).toEqual({
      entity_id: "http://localhost:3999/auth/sso/saml/cli-okta",
      acs_url: "http://localhost:3999/auth/sso/saml/cli-okta/acs",
      metadata_url: "http://localhost:3999/auth/sso/saml/cli-okta/metadata",
      login_url: "http://localhost:3999/auth/sso/saml/cli-okta/login",
      slo_url: "http://localhost:3999/auth/sso/saml/cli-okta/slo",
    });
    expect(a.stdout).not.toContain("PRIVATE KEY");

    const b = await cli([
      "connections:create",
      "--workspace",
      "cli-ws",
      "--name",
      "By URL",
      "--slug",
      "cli-url",
      "--metadata-url",
      metadataUrl,
      "--json",
    ]);
    expect(b.code, b.stdout + b.stderr).toBe(0);
    expect(b.json).toMatchObject({
      connection: {
        metadata_source: "url",
        idp_sso_url_redirect: "https://idp.cli.test/sso-url",
        default_role: "viewer",
        allow_idp_initiated: false,
      },
    });

    const dup = await cli([
      "connections:create",
      "--workspace",
      "cli-ws",
      "--name",
      "Dup",
      "--slug",
      "cli-okta",
      "--metadata-file",
      metadataFile,
      "--json",
    ]);
    expect(dup.code).toBe(1);
    expect(dup.json).toMatchObject({ error: { code: "SLUG_TAKEN" } });
    const both = await cli([
      "connections:create",
      "--workspace",
      "cli-ws",
      "--name",
      "X",
      "--slug",
      "cli-x",
      "--metadata-file",
      metadataFile,
      "--metadata-url",
      metadataUrl,
      "--json",
    ]);
    expect(both.json).toMatchObject({ error: { code: "VALIDATION_FAILED" } });

    const list = await cli(["connections:list", "--workspace", "cli-ws", "--json"]);
    expect(list.code).toBe(0);
    expect((list.json as { connections: { slug: string }[] }).connections.map((c) => c.slug).sort()).toEqual(["cli-okta", "cli-url"]);

    const stage = await cli(["connections:rotate-key", "--slug", "cli-okta", "--stage", "--json"]);
    expect(stage.code, stage.stdout + stage.stderr).toBe(0);
    expect((stage.json as { sp_keys: { state: string }[] }).sp_keys.map((k) => k.state).sort()).toEqual(["active", "next"]);
    const act = await cli(["connections:rotate-key", "--slug", "cli-okta", "--activate", "--json"]);
    expect((act.json as { sp_keys: { state: string }[] }).sp_keys.map((k) => k.state).sort()).toEqual(["active", "retired"]);
    const ret = await cli(["connections:rotate-key", "--slug", "cli-okta", "--retire", "--json"]);
    expect(ret.code).toBe(0);
    expect(JSON.stringify(ret.json)).not.toContain("PRIVATE KEY");
    const none = await cli(["connections:rotate-key", "--slug", "nope-nope", "--stage", "--json"]);
    expect(none.json).toMatchObject({ error: { code: "SAML_NOT_FOUND" } });
  }, 120_000);

  it("approve-trust: the operator re-approves a connection whose approving owner is no longer one", async (ctx) => {
    if (!t.url) ctx.skip(); // the CLI process needs a shared Postgres database
    const ws = await createWorkspace(t.db, { slug: "cli-approve", name: "Approve", ownerEmail: "o@cli-approve.test" });
    const c = await createConnection(
      t.db,
      ws.workspace.id,
      connectionCreateSchema.parse({ name: "Left", slug: "cli-approve-c" }),
      memberActor(ws.owner.id, "owner"),
    );
    await t.db.update(memberships).set({ role: "viewer" }).where(eq(memberships.userId, ws.owner.id));
    expect(await isTrustApprovedByCurrentOwner(t.db, c)).toBe(false);
    const r = await cli(["connections:approve-trust", "--slug", "cli-approve-c", "--json"]);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ connection: { slug: "cli-approve-c" }, trust_approved_via: "operator" });
    expect(await isTrustApprovedByCurrentOwner(t.db, await getConnectionOrThrow(t.db, ws.workspace.id, c.id))).toBe(true);
  });

  it("update --idp-slo-url: sets the IdP single logout URL as the operator (trust change), turns it off with none, refuses a bad URL", async (ctx) => {
    if (!t.url) ctx.skip(); // the CLI process needs a shared Postgres database
    const ws = await createWorkspace(t.db, { slug: "cli-slo", name: "SLO", ownerEmail: "o@cli-slo.test" });
    const c = await createConnection(
      t.db,
      ws.workspace.id,
      connectionCreateSchema.parse({ name: "SLO", slug: "cli-slo-c", metadataXml: idp.metadataXml("https://idp.cli.test/sso") }),
      memberActor(ws.owner.id, "owner"),
    );
    expect(c.idpSloUrl).toBeNull();
    const set = await cli(["connections:update", "--slug", "cli-slo-c", "--idp-slo-url", "https://idp.cli.test/slo", "--json"]);
    expect(set.code, set.stdout + set.stderr).toBe(0);
    expect(set.json).toMatchObject({
      connection: {
        slug: "cli-slo-c",
        idp_slo_url: "https://idp.cli.test/slo",
        trust_approval: { via: "operator" },
        sp: { slo_url: "http://localhost:3999/auth/sso/saml/cli-slo-c/slo" },
      },
    });
    const stored = await getConnectionOrThrow(t.db, ws.workspace.id, c.id);
    expect(stored.idpSloUrl).toBe("https://idp.cli.test/slo");
    const off = await cli(["connections:update", "--slug", "cli-slo-c", "--idp-slo-url", "none"]);
    expect(off.code, off.stdout + off.stderr).toBe(0);
    expect(off.stdout).toContain("none (sign-out stays local)");
    expect((await getConnectionOrThrow(t.db, ws.workspace.id, c.id)).idpSloUrl).toBeNull();
    const bad = await cli(["connections:update", "--slug", "cli-slo-c", "--idp-slo-url", "javascript:alert(1)", "--json"]);
    expect(bad.code).toBe(1);
    expect(bad.json).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
    const nothing = await cli(["connections:update", "--slug", "cli-slo-c", "--json"]);
    expect(nothing.json).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
  }, 120_000);
});
