import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDevIdp } from "@/lib/dev-idp";
import { cliDataDir, runCli } from "@/lib/testing/run-cli";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { createWorkspace } from "@/lib/services/workspaces";
import { memberActor } from "@/lib/services/actor";
import { createConnection, getConnectionOrThrow } from "@/lib/services/connections";
import { connectionCreateSchema } from "@/lib/schemas/connections";

let t: TestDb;
let dataDir: string;
let connection: { id: string; workspaceId: string };
const idp = createDevIdp({ entityId: "https://idp.cli-enc.test/entity" });

beforeAll(async () => {
  t = await createTestDb();
  dataDir = cliDataDir("enc", { embedded: !t.url });
  const { workspace, owner } = await createWorkspace(t.db, { slug: "cli-enc", name: "CLI enc", ownerEmail: "o@cli-enc.test" });
  connection = await createConnection(
    t.db,
    workspace.id,
    connectionCreateSchema.parse({ name: "Okta", slug: "cli-enc-okta", metadataXml: idp.metadataXml("https://idp.cli-enc.test/sso") }),
    memberActor(owner.id, "owner"),
  );
});
afterAll(async () => {
  await t?.close();
});

describe("CLI connections:update --require-encrypted-assertions, connections:rotate-encryption-key", () => {
  const cli = (args: string[]) => runCli(args, { databaseUrl: t.url, dataDir });

  it("turns encryption on and off as the operator, prints the certificate, rotates; bad values are refused", async (ctx) => {
    if (!t.url) ctx.skip(); // the CLI process needs a shared Postgres database
    const on = await cli(["connections:update", "--slug", "cli-enc-okta", "--require-encrypted-assertions", "true", "--json"]);
    expect(on.code, on.stdout + on.stderr).toBe(0);
    expect(on.json).toMatchObject({ connection: { slug: "cli-enc-okta", require_encrypted_assertions: true } });
    const keys = (on.json as { sp_encryption_keys: { state: string; certificate_pem: string }[] }).sp_encryption_keys;
    expect(keys.map((k) => k.state)).toEqual(["active"]);
    expect(JSON.stringify(on.json)).not.toContain("PRIVATE KEY");
    const c = await getConnectionOrThrow(t.db, connection.workspaceId, connection.id);
    expect([c.requireEncryptedAssertions, c.trustApprovedVia]).toEqual([true, "operator"]);

    const human = await cli(["connections:update", "--slug", "cli-enc-okta", "--require-encrypted-assertions", "true"]);
    expect(human.stdout).toContain("BEGIN CERTIFICATE");

    const stage = await cli(["connections:rotate-encryption-key", "--slug", "cli-enc-okta", "--stage", "--json"]);
    expect((stage.json as { sp_encryption_keys: { state: string }[] }).sp_encryption_keys.map((k) => k.state).sort()).toEqual([
      "active",
      "next",
    ]);

    const off = await cli(["connections:update", "--slug", "cli-enc-okta", "--require-encrypted-assertions", "false", "--json"]);
    expect(off.json).toMatchObject({ connection: { require_encrypted_assertions: false } });

    const bad = await cli(["connections:update", "--slug", "cli-enc-okta", "--require-encrypted-assertions", "yes", "--json"]);
    expect(bad.code).toBe(1);
    expect(bad.json).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
    const nothing = await cli(["connections:update", "--slug", "cli-enc-okta", "--json"]);
    expect(nothing.json).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
    const missing = await cli(["connections:update", "--slug", "nope-nope", "--require-encrypted-assertions", "true", "--json"]);
    expect(missing.json).toMatchObject({ error: { code: "SAML_NOT_FOUND" } });
  }, 120_000);
});
