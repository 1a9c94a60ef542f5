import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSecret } from "@/lib/crypto/secret-box";
import { findApplicationByClientId } from "@/lib/services/applications";
import { createOperatorKey } from "@/lib/services/operator-keys";
import { assertNoSecrets, callRoute } from "@/lib/testing/api";
import { makeApiWorkspace, uniq } from "@/lib/testing/fixtures";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { useDbForTests } from "@/server/bootstrap";
import { POST as rotate } from "./[id]/rotate-secret/route";
import { DELETE as del, GET as get, PATCH as patch } from "./[id]/route";
import { GET as list, POST as create } from "./route";

let t: TestDb;
let operatorKey: string;
beforeAll(async () => {
  t = await createTestDb();
  useDbForTests(t.db);
  operatorKey = (await createOperatorKey(t.db, { name: "backend" })).secret;
});
afterAll(async () => {
  await t.close();
});

describe("/api/v1/apps (operator keys)", () => {
  it("register (secret once, never again, not even in an idempotent replay), get, patch, rotate, delete", async () => {
    const body = {
      name: "Billing",
      redirect_uris: ["https://billing.example.com/callback"],
      post_logout_redirect_uris: ["https://billing.example.com/"],
      backchannel_logout_uri: "https://billing.example.com/backchannel",
    };
    const key = `app-${uniq()}`;
    const created = await callRoute(create, "POST", "/api/v1/apps", operatorKey, { body, headers: { "idempotency-key": key } });
    expect(created.status).toBe(201);
    const app = created.json.data;
    expect(app).toMatchObject({ name: "Billing", issuer: "http://localhost:3999/oidc", initiate_login_uri: null });
    expect(app.client_id).toMatch(/^app_/);
    expect(app.client_secret.length).toBeGreaterThanOrEqual(43);
    expect(openSecret((await findApplicationByClientId(t.db, app.client_id))!.clientSecretEncrypted)).toBe(app.client_secret);
    const replay = await callRoute(create, "POST", "/api/v1/apps", operatorKey, { body, headers: { "idempotency-key": key } });
    expect(replay.json.data).toMatchObject({ client_id: app.client_id, client_secret: null });

    const id = app.client_id as string;
    const got = await callRoute(get, "GET", `/api/v1/apps/${id}`, operatorKey, { params: { id } });
    expect(got.json.data).not.toHaveProperty("client_secret");
    assertNoSecrets(got.text, [app.client_secret]);
    assertNoSecrets((await callRoute(list, "GET", "/api/v1/apps", operatorKey)).text, [app.client_secret]);

    const patched = await callRoute(patch, "PATCH", `/api/v1/apps/${id}`, operatorKey, {
      params: { id },
      body: { backchannel_logout_uri: null, initiate_login_uri: "https://billing.example.com/login" },
    });
    expect(patched.json.data).toMatchObject({
      backchannel_logout_uri: null,
      initiate_login_uri: "https://billing.example.com/login",
      name: "Billing",
    });
    const bad = await callRoute(patch, "PATCH", `/api/v1/apps/${id}`, operatorKey, {
      params: { id },
      body: { redirect_uris: ["http://billing.example.com/cb"] },
    });
    expect(bad.json.error).toMatchObject({ code: "VALIDATION_FAILED", fields: [{ path: "redirect_uris.0" }] });

    const rotated = await callRoute(rotate, "POST", `/api/v1/apps/${id}/rotate-secret`, operatorKey, { params: { id } });
    expect(rotated.json.data.client_secret).not.toBe(app.client_secret);
    expect(rotated.json.data.secret_rotated_at).not.toBeNull();

    expect((await callRoute(del, "DELETE", `/api/v1/apps/${id}`, operatorKey, { params: { id } })).json.data).toEqual({
      id,
      deleted: true,
    });
    expect((await callRoute(get, "GET", `/api/v1/apps/${id}`, operatorKey, { params: { id } })).status).toBe(404);
    expect((await callRoute(get, "GET", "/api/v1/apps/nope", operatorKey, { params: { id: "nope" } })).status).toBe(404);
  });

  it("workspace keys get OPERATOR_KEY_REQUIRED", async () => {
    const ws = await makeApiWorkspace(t.db);
    const r = await callRoute(create, "POST", "/api/v1/apps", ws.key, { body: { name: "x", redirect_uris: ["https://x.example.com/cb"] } });
    expect(r.status).toBe(403);
    expect(r.json.error.code).toBe("OPERATOR_KEY_REQUIRED");
  });
});
