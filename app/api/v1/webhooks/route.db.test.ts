import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useDbForTests } from "@/server/bootstrap";
import { assertNoSecrets, callRoute } from "@/lib/testing/api";
import { makeApiWorkspace } from "@/lib/testing/fixtures";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { emitEvent } from "@/lib/webhooks/emit";
import { GET as listRoute, POST as createRoute } from "./route";
import { DELETE as deleteRoute, GET as getRoute, PATCH as patchRoute } from "./[id]/route";
import { GET as deliveriesRoute } from "./[id]/deliveries/route";
import { POST as redeliverRoute } from "./[id]/deliveries/[deliveryId]/redeliver/route";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  useDbForTests(t.db);
});
afterAll(async () => {
  await t.close();
});

describe("/api/v1/webhooks", () => {
  it("creates (secret once), lists, filters events, disables, shows deliveries and redelivers; another workspace's key sees 404", async () => {
    const ws = await makeApiWorkspace(t.db);
    const other = await makeApiWorkspace(t.db);
    const created = await callRoute(createRoute, "POST", "/api/v1/webhooks", ws.key, {
      body: { url: "https://app.example/hooks", event_types: ["user.deprovisioned", "sso.sign_in_failed"] },
    });
    expect(created.status).toBe(201);
    const ep = created.json.data;
    expect(ep).toMatchObject({
      scope: "workspace",
      url: "https://app.example/hooks",
      enabled: true,
      event_types: ["user.deprovisioned", "sso.sign_in_failed"],
    });
    expect(ep.secret).toMatch(/^whsec_/);
    const params = { params: { id: ep.id } };
    const list = await callRoute(listRoute, "GET", "/api/v1/webhooks", ws.key);
    expect(list.json.data.map((e: { id: string }) => e.id)).toEqual([ep.id]);
    assertNoSecrets(list.text, [ep.secret]);
    expect((await callRoute(getRoute, "GET", `/api/v1/webhooks/${ep.id}`, other.key, params)).status).toBe(404);

    const bad = await callRoute(createRoute, "POST", "/api/v1/webhooks", ws.key, { body: { url: "ftp://x", event_types: ["user.nope"] } });
    expect(bad.status).toBe(422);
    expect(bad.json.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(["event_types.0", "url"]);

    await emitEvent(t.db, {
      workspaceId: ws.id,
      type: "user.deprovisioned",
      data: {
        organization_id: ws.id,
        user_id: "u1",
        email: "a@b.test",
        reason: "scim_deleted",
        directory_id: null,
        sessions_revoked: true,
      },
    });
    const deliveries = await callRoute(deliveriesRoute, "GET", `/api/v1/webhooks/${ep.id}/deliveries`, ws.key, params);
    expect(deliveries.json.data).toMatchObject([{ event_type: "user.deprovisioned", status: "pending", organization_id: ws.id }]);
    const deliveryId = deliveries.json.data[0].id;
    const re = await callRoute(redeliverRoute, "POST", `/api/v1/webhooks/${ep.id}/deliveries/${deliveryId}/redeliver`, ws.key, {
      params: { id: ep.id, deliveryId },
    });
    expect(re.status).toBe(202);
    const otherRe = await callRoute(redeliverRoute, "POST", `/x`, other.key, { params: { id: ep.id, deliveryId } });
    expect(otherRe.status).toBe(404);

    const off = await callRoute(patchRoute, "PATCH", `/api/v1/webhooks/${ep.id}`, ws.key, {
      body: { enabled: false },
      params: { id: ep.id },
    });
    expect(off.json.data.enabled).toBe(false);
    expect((await callRoute(deleteRoute, "DELETE", `/api/v1/webhooks/${ep.id}`, ws.key, params)).json.data).toEqual({
      id: ep.id,
      deleted: true,
    });
  });
});
