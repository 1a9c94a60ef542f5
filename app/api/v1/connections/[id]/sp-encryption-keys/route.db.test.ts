/** REST: PATCH require_encrypted_assertions (owner only) and the SP encryption key rotation routes. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as listRoute from "@/app/api/v1/connections/route";
import * as itemRoute from "@/app/api/v1/connections/[id]/route";
import * as encKeysRoute from "@/app/api/v1/connections/[id]/sp-encryption-keys/route";
import { createDevIdp } from "@/lib/dev-idp";
import { useDbForTests } from "@/server/bootstrap";
import { createApiKey } from "@/lib/services/api-keys";
import { memberActor } from "@/lib/services/actor";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { assertNoSecrets, callRoute } from "@/lib/testing/api";
import { makeApiWorkspace, type ApiTestWorkspace } from "@/lib/testing/fixtures";

let t: TestDb;
let a: ApiTestWorkspace;
let b: ApiTestWorkspace;
let adminKey: string;
const idp = createDevIdp({ entityId: "https://idp.enc.test/entity" });
const manual = { entity_id: idp.entityId, sso_url: "https://idp.enc.test/sso", certificate_pem: idp.certificatePem };

beforeAll(async () => {
  t = await createTestDb();
  useDbForTests(t.db);
  a = await makeApiWorkspace(t.db, { slug: "enc-a" });
  b = await makeApiWorkspace(t.db, { slug: "enc-b" });
  adminKey = (await createApiKey(t.db, a.id, { name: "admin key", role: "admin" }, memberActor(a.ownerId, "owner"))).secret;
});
afterAll(async () => {
  await t.close();
});

const keys = (method: "GET" | "POST", key: string, id: string, body?: unknown) =>
  callRoute(encKeysRoute[method], method, `/api/v1/connections/${id}/sp-encryption-keys`, key, { body, params: { id } });

describe("/api/v1/connections/{id} require_encrypted_assertions and /sp-encryption-keys", () => {
  it("the owner turns it on by PATCH (a key appears), rotates it; an admin key and another workspace cannot", async () => {
    const created = await callRoute(listRoute.POST, "POST", "/api/v1/connections", a.key, {
      body: { name: "Enc", slug: "enc-a-1", manual },
    });
    expect(created.status).toBe(201);
    const c = created.json.data;
    expect(c.require_encrypted_assertions).toBe(false);
    expect((await keys("GET", a.key, c.id)).json.data).toEqual([]);

    const byAdmin = await callRoute(itemRoute.PATCH, "PATCH", `/api/v1/connections/${c.id}`, adminKey, {
      body: { version: c.version, require_encrypted_assertions: true },
      params: { id: c.id },
    });
    expect(byAdmin.status).toBe(403);
    expect(byAdmin.json.error.code).toBe("FORBIDDEN");

    const patched = await callRoute(itemRoute.PATCH, "PATCH", `/api/v1/connections/${c.id}`, a.key, {
      body: { version: c.version, require_encrypted_assertions: true },
      params: { id: c.id },
    });
    expect(patched.status).toBe(200);
    expect(patched.json.data.require_encrypted_assertions).toBe(true);

    const list = await keys("GET", a.key, c.id);
    expect(list.json.data.map((k: { state: string }) => k.state)).toEqual(["active"]);
    expect(list.json.data[0].certificate_pem).toContain("BEGIN CERTIFICATE");
    expect((await keys("POST", adminKey, c.id, { action: "stage" })).status).toBe(403);
    const staged = await keys("POST", a.key, c.id, { action: "stage" });
    expect(staged.json.data.map((k: { state: string }) => k.state).sort()).toEqual(["active", "next"]);
    const activated = await keys("POST", a.key, c.id, { action: "activate" });
    expect(activated.json.data.map((k: { state: string }) => k.state).sort()).toEqual(["active", "retired"]);
    const retired = await keys("POST", a.key, c.id, { action: "retire" });
    expect(retired.status).toBe(200);
    for (const r of [list, staged, activated, retired]) assertNoSecrets(r.text);

    expect((await keys("GET", b.key, c.id)).status).toBe(404);
    expect((await keys("POST", b.key, c.id, { action: "stage" })).status).toBe(404);
  });
});
