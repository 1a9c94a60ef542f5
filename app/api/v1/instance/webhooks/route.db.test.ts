import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOperatorKey } from "@/lib/services/operator-keys";
import { createWebhookEndpoint } from "@/lib/services/webhooks";
import { assertNoSecrets, callRoute } from "@/lib/testing/api";
import { makeApiWorkspace } from "@/lib/testing/fixtures";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { emitEvent } from "@/lib/webhooks/emit";
import { useDbForTests } from "@/server/bootstrap";
import { GET as workspaceGet } from "../../webhooks/[id]/route";
import { POST as redeliverRoute } from "./[id]/deliveries/[deliveryId]/redeliver/route";
import { GET as deliveriesRoute } from "./[id]/deliveries/route";
import { DELETE as deleteRoute, GET as getRoute, PATCH as patchRoute } from "./[id]/route";
import { GET as listRoute, POST as createRoute } from "./route";

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

const deprovisioned = (orgId: string, n: number) => ({
  workspaceId: orgId,
  type: "user.deprovisioned" as const,
  data: {
    organization_id: orgId,
    user_id: `u${n}`,
    email: `u${n}@x.test`,
    reason: "scim_deleted" as const,
    directory_id: null,
    sessions_revoked: true,
  },
});

describe("/api/v1/instance/webhooks (operator keys)", () => {
  it("the operator's endpoint hears every organization: create (secret once, also in an idempotent replay), list, get, deliveries, redeliver, patch, delete", async () => {
    const a = await makeApiWorkspace(t.db);
    const b = await makeApiWorkspace(t.db);
    const headers = { "idempotency-key": "instance-hook-1" };
    const body = { url: "https://backend.example/gatehouse-events", event_types: ["user.deprovisioned"] };
    const created = await callRoute(createRoute, "POST", "/api/v1/instance/webhooks", operatorKey, { body, headers });
    expect(created.status).toBe(201);
    const ep = created.json.data;
    expect(ep).toMatchObject({ scope: "instance", url: body.url, enabled: true });
    expect(ep.secret).toMatch(/^whsec_/);
    const replay = await callRoute(createRoute, "POST", "/api/v1/instance/webhooks", operatorKey, { body, headers });
    expect(replay.json.data).toMatchObject({ id: ep.id, secret: null });

    const list = await callRoute(listRoute, "GET", "/api/v1/instance/webhooks", operatorKey);
    expect(list.json.data.map((e: { id: string }) => e.id)).toEqual([ep.id]);
    assertNoSecrets(list.text, [ep.secret]);
    const params = { params: { id: ep.id } };
    expect((await callRoute(getRoute, "GET", `/api/v1/instance/webhooks/${ep.id}`, operatorKey, params)).json.data).toMatchObject({
      id: ep.id,
      scope: "instance",
    });

    await emitEvent(t.db, deprovisioned(a.id, 1));
    await emitEvent(t.db, deprovisioned(b.id, 2));
    const deliveries = await callRoute(deliveriesRoute, "GET", `/api/v1/instance/webhooks/${ep.id}/deliveries`, operatorKey, params);
    expect(deliveries.status).toBe(200);
    expect(deliveries.json.data.map((d: { organization_id: string }) => d.organization_id).sort()).toEqual([a.id, b.id].sort());
    const redelivered = await callRoute(redeliverRoute, "POST", "/x", operatorKey, {
      params: { id: ep.id, deliveryId: deliveries.json.data[0].id },
    });
    expect(redelivered.status).toBe(202);

    const patched = await callRoute(patchRoute, "PATCH", `/api/v1/instance/webhooks/${ep.id}`, operatorKey, {
      ...params,
      body: { enabled: false },
    });
    expect(patched.json.data).toMatchObject({ enabled: false });
    expect((await callRoute(deleteRoute, "DELETE", `/api/v1/instance/webhooks/${ep.id}`, operatorKey, params)).json.data).toEqual({
      id: ep.id,
      deleted: true,
    });
    expect((await callRoute(getRoute, "GET", `/api/v1/instance/webhooks/${ep.id}`, operatorKey, params)).status).toBe(404);
  });

  it("a workspace key never reaches instance-level endpoints, and workspace routes never show them", async () => {
    const ws = await makeApiWorkspace(t.db);
    const { endpoint } = await createWebhookEndpoint(t.db, { kind: "instance" }, { url: "https://backend.example/all" }, { userId: null });
    for (const [handler, method] of [
      [listRoute, "GET"],
      [createRoute, "POST"],
    ] as const) {
      const r = await callRoute(
        handler,
        method,
        "/api/v1/instance/webhooks",
        ws.key,
        method === "POST" ? { body: { url: "https://x.example/h" } } : {},
      );
      expect(r.status).toBe(403);
      expect(r.json.error.code).toBe("OPERATOR_KEY_REQUIRED");
    }
    const asWorkspace = await callRoute(workspaceGet, "GET", `/api/v1/webhooks/${endpoint.id}`, ws.key, { params: { id: endpoint.id } });
    expect(asWorkspace.status).toBe(404);
  });
});
