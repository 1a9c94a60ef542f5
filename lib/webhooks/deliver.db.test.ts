import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { eq } from "drizzle-orm";
import { openPostgres, type Db, type DbHandle } from "@/db";
import { webhookDeliveries } from "@/db/schema";
import { makeWorkspace } from "@/lib/testing/fixtures";
import { createWebhookEndpoint, listWebhookDeliveries, redeliverWebhook, updateWebhookEndpoint } from "@/lib/services/webhooks";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { startWebhookReceiver } from "@/lib/testing/webhook-receiver";
import { outboundWebhookTransport } from "./transport";
import { deliverWebhooks, RETRY_SCHEDULE_MS } from "./deliver";
import { emitEvent, webhookMessageId } from "./emit";

let t: TestDb;
const transport = outboundWebhookTransport({ allowPrivate: true, allowHttpLoopback: true });
const system = { userId: null };

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.close();
});

async function emitUser(db: Db, workspaceId: string, n: number, at?: Date) {
  return emitEvent(db, {
    workspaceId,
    type: "user.updated",
    data: {
      organization_id: workspaceId,
      user_id: `00000000-0000-0000-0000-${String(n).padStart(12, "0")}`,
      email: `u${n}@x.test`,
      name: null,
      changed: ["name"],
      directory_id: null,
    },
    at,
  });
}

describe("webhook delivery (Standard Webhooks, outbox)", () => {
  it("signs every delivery so the independent standardwebhooks package verifies it; a wrong secret or an edited body fails", async () => {
    const rx = await startWebhookReceiver();
    const { workspace } = await makeWorkspace(t.db);
    const { secret } = await createWebhookEndpoint(t.db, { kind: "workspace", workspaceId: workspace.id }, { url: rx.url }, system);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const eventId = await t.db.transaction((tx) => emitUser(tx, workspace.id, 1));
    const summary = await deliverWebhooks(t.db, { transport });
    expect(summary).toMatchObject({ attempted: 1, succeeded: 1 });
    expect(rx.received).toHaveLength(1);
    const got = rx.received[0]!;
    const headers = {
      "webhook-id": String(got.headers["webhook-id"]),
      "webhook-timestamp": String(got.headers["webhook-timestamp"]),
      "webhook-signature": String(got.headers["webhook-signature"]),
    };
    expect(headers["webhook-id"]).toBe(webhookMessageId(eventId!));
    const payload = new Webhook(secret).verify(got.body, headers) as { type: string; timestamp: string; data: Record<string, unknown> };
    expect(payload).toMatchObject({ type: "user.updated", data: { organization_id: workspace.id, email: "u1@x.test" } });
    expect(new Date(payload.timestamp).toISOString()).toBe(payload.timestamp);
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 7).toString("base64")}`).verify(got.body, headers)).toThrow();
    expect(() => new Webhook(secret).verify(got.body.replace("u1@", "u2@"), headers)).toThrow();
    const log = await listWebhookDeliveries(
      t.db,
      { kind: "workspace", workspaceId: workspace.id },
      (await t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.eventId, eventId!)))[0]!.endpointId,
    );
    expect(log.items[0]).toMatchObject({
      status: "succeeded",
      attempts: 1,
      last_status_code: 204,
      attempt_log: [{ status_code: 204, error: null }],
    });
    await rx.close();
  });

  it("queues only for endpoints that want the type: empty filter = every type but the opt-in sso.sign_in_failed; instance endpoints get every workspace's events; disabled ones none", async () => {
    const a = await makeWorkspace(t.db);
    const b = await makeWorkspace(t.db);
    const all = await createWebhookEndpoint(
      t.db,
      { kind: "workspace", workspaceId: a.workspace.id },
      { url: "https://a.example/all" },
      system,
    );
    const optIn = await createWebhookEndpoint(
      t.db,
      { kind: "workspace", workspaceId: a.workspace.id },
      { url: "https://a.example/fail", eventTypes: ["sso.sign_in_failed"] },
      system,
    );
    const instance = await createWebhookEndpoint(
      t.db,
      { kind: "instance" },
      { url: "https://operator.example/hooks", eventTypes: ["user.updated"] },
      system,
    );
    const off = await createWebhookEndpoint(
      t.db,
      { kind: "workspace", workspaceId: b.workspace.id },
      { url: "https://b.example/off" },
      system,
    );
    await updateWebhookEndpoint(t.db, { kind: "workspace", workspaceId: b.workspace.id }, off.endpoint.id, { enabled: false }, system);

    const e1 = await emitUser(t.db, a.workspace.id, 10);
    const e2 = await emitEvent(t.db, {
      workspaceId: a.workspace.id,
      type: "sso.sign_in_failed",
      data: { organization_id: a.workspace.id, connection_id: null, email: "x@a.test", error_code: "SAML_EXPIRED", sso_event_id: "e" },
    });
    const e3 = await emitUser(t.db, b.workspace.id, 11);
    const targets = async (eventId: string | null) =>
      (
        await t.db
          .select({ endpointId: webhookDeliveries.endpointId })
          .from(webhookDeliveries)
          .where(eq(webhookDeliveries.eventId, eventId!))
      )
        .map((r) => r.endpointId)
        .sort();
    expect(await targets(e1)).toEqual([all.endpoint.id, instance.endpoint.id].sort());
    expect(await targets(e2)).toEqual([optIn.endpoint.id]);
    expect(await targets(e3)).toEqual([instance.endpoint.id]);
    // Clean up so later tests' delivery runs do not try these unreachable hosts.
    for (const ep of [all, optIn, instance]) await t.db.delete(webhookDeliveries).where(eq(webhookDeliveries.endpointId, ep.endpoint.id));
    await updateWebhookEndpoint(t.db, { kind: "instance" }, instance.endpoint.id, { enabled: false }, system);
  });

  it("two instances delivering the same outbox deliver each event once, in order per organization", async () => {
    const rx = await startWebhookReceiver({ delayMs: () => Math.floor(Math.random() * 15) });
    const orgs = [await makeWorkspace(t.db), await makeWorkspace(t.db), await makeWorkspace(t.db)];
    for (const o of orgs) await createWebhookEndpoint(t.db, { kind: "workspace", workspaceId: o.workspace.id }, { url: rx.url }, system);
    const emitted = new Map<string, string[]>();
    for (let i = 0; i < 12; i++) {
      for (const o of orgs) {
        const id = await emitUser(t.db, o.workspace.id, i);
        emitted.set(o.workspace.id, [...(emitted.get(o.workspace.id) ?? []), webhookMessageId(id!)]);
      }
    }
    // A second instance: its own connection pool on the same Postgres database (on PGlite, the same handle).
    const second: DbHandle | null = t.url ? await openPostgres(t.url, { max: 5 }) : null;
    const [s1, s2] = await Promise.all([
      deliverWebhooks(t.db, { transport, batchSize: 2 }),
      deliverWebhooks(second?.db ?? t.db, { transport, batchSize: 2 }),
    ]);
    await second?.close();
    expect(s1.succeeded + s2.succeeded).toBe(36);
    const ids = rx.received.map((r) => String(r.headers["webhook-id"]));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(36);
    for (const o of orgs) {
      const order = rx.received
        .filter((r) => JSON.parse(r.body).data.organization_id === o.workspace.id)
        .map((r) => String(r.headers["webhook-id"]));
      expect(order).toEqual(emitted.get(o.workspace.id));
    }
    await rx.close();
  });

  it("a receiver down for a while gets every event after it recovers, in order per organization; retries back off 5 s, 5 min, …; redeliver sends again with the same webhook-id", async () => {
    let down = true;
    const rx = await startWebhookReceiver({ status: () => (down ? 503 : 200) });
    const a = await makeWorkspace(t.db);
    const b = await makeWorkspace(t.db);
    const scopeA = { kind: "workspace" as const, workspaceId: a.workspace.id };
    const epA = await createWebhookEndpoint(t.db, scopeA, { url: rx.url }, system);
    await createWebhookEndpoint(t.db, { kind: "workspace", workspaceId: b.workspace.id }, { url: rx.url }, system);
    let clock = new Date("2030-01-01T00:00:00Z");
    const run = () => deliverWebhooks(t.db, { transport, now: () => clock });
    const order = new Map<string, string[]>();
    const emitAt = async (ws: string, n: number) => {
      const id = await emitUser(t.db, ws, n, clock);
      order.set(ws, [...(order.get(ws) ?? []), webhookMessageId(id!)]);
    };
    for (let i = 0; i < 3; i++) {
      await emitAt(a.workspace.id, i);
      await emitAt(b.workspace.id, 100 + i);
    }
    // Down: only the head of each queue is tried (a later event never overtakes an earlier one).
    expect(await run()).toMatchObject({ attempted: 2, retrying: 2 });
    const heads = await listWebhookDeliveries(t.db, scopeA, epA.endpoint.id, { status: "pending" });
    const head = heads.items.find((d) => d.attempts === 1)!;
    expect(new Date(head.next_attempt_at!).getTime() - clock.getTime()).toBe(RETRY_SCHEDULE_MS[0]);
    expect(head.attempt_log).toMatchObject([{ status_code: 503, error: "HTTP 503" }]);
    expect(await run()).toMatchObject({ attempted: 0 }); // not due yet
    clock = new Date(clock.getTime() + RETRY_SCHEDULE_MS[0]!);
    expect(await run()).toMatchObject({ attempted: 2, retrying: 2 });
    const second = (await listWebhookDeliveries(t.db, scopeA, epA.endpoint.id, { status: "pending" })).items.find((d) => d.attempts === 2)!;
    expect(new Date(second.next_attempt_at!).getTime() - clock.getTime()).toBe(RETRY_SCHEDULE_MS[1]);
    await emitAt(a.workspace.id, 3); // more events while the receiver is down
    // Hours later the receiver is back: everything arrives, in order per organization.
    clock = new Date(clock.getTime() + 3 * 3_600_000);
    down = false;
    expect(await run()).toMatchObject({ succeeded: 7, retrying: 0, failed: 0 });
    for (const ws of [a.workspace.id, b.workspace.id]) {
      const got = rx.received.filter((r) => JSON.parse(r.body).data.organization_id === ws).map((r) => String(r.headers["webhook-id"]));
      expect(got).toEqual(order.get(ws));
    }
    // Manual redeliver: a new delivery of the same event, with the same webhook-id.
    const done = (await listWebhookDeliveries(t.db, scopeA, epA.endpoint.id)).items.find((d) => d.status === "succeeded")!;
    const re = await redeliverWebhook(t.db, scopeA, epA.endpoint.id, done.id, system);
    expect(await run()).toMatchObject({ succeeded: 1 });
    expect(String(rx.received.at(-1)!.headers["webhook-id"])).toBe(done.webhook_id);
    const redone = (await listWebhookDeliveries(t.db, scopeA, epA.endpoint.id)).items.find((d) => d.id === re.deliveryId)!;
    expect(redone).toMatchObject({ manual: true, status: "succeeded" });
    await expect(
      redeliverWebhook(t.db, { kind: "workspace", workspaceId: b.workspace.id }, epA.endpoint.id, done.id, system),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    await rx.close();
  });

  it("gives a delivery up after retrying for more than 24 hours, then the next event of the queue goes out", async () => {
    let down = true;
    const rx = await startWebhookReceiver({ status: () => (down ? 500 : 200) });
    const { workspace } = await makeWorkspace(t.db);
    const scope = { kind: "workspace" as const, workspaceId: workspace.id };
    const ep = await createWebhookEndpoint(t.db, scope, { url: rx.url }, system);
    const start = new Date("2031-01-01T00:00:00Z");
    let clock = start;
    const run = () => deliverWebhooks(t.db, { transport, now: () => clock });
    await emitUser(t.db, workspace.id, 1, clock);
    await emitUser(t.db, workspace.id, 2, clock);
    for (let i = 0; i < RETRY_SCHEDULE_MS.length; i++) {
      expect(await run()).toMatchObject({ attempted: 1, retrying: 1 });
      clock = new Date(clock.getTime() + RETRY_SCHEDULE_MS[i]!);
    }
    expect(clock.getTime() - start.getTime()).toBeGreaterThanOrEqual(24 * 3_600_000);
    // The head is given up and, in the same run, the next event of the queue is tried at once.
    expect(await run()).toMatchObject({ attempted: 2, failed: 1, retrying: 1 });
    down = false;
    clock = new Date(clock.getTime() + RETRY_SCHEDULE_MS[0]!);
    expect(await run()).toMatchObject({ attempted: 1, succeeded: 1 });
    const items = (await listWebhookDeliveries(t.db, scope, ep.endpoint.id)).items;
    expect(items.map((d) => [d.status, d.attempts])).toEqual([
      ["succeeded", 2],
      ["failed", RETRY_SCHEDULE_MS.length + 1],
    ]);
    await rx.close();
  });

  it("SSRF rules as for metadata URLs: private and loopback targets only when allowed, link-local (cloud metadata) never; the refusal is in the log and retried", async () => {
    const rx = await startWebhookReceiver();
    const { workspace } = await makeWorkspace(t.db);
    const scope = { kind: "workspace" as const, workspaceId: workspace.id };
    const local = await createWebhookEndpoint(t.db, scope, { url: rx.url }, system);
    const metadata = await createWebhookEndpoint(t.db, scope, { url: "http://169.254.169.254/latest/meta-data" }, system);
    await emitUser(t.db, workspace.id, 1);
    const strict = outboundWebhookTransport({ allowPrivate: false, allowHttpLoopback: true });
    expect(await deliverWebhooks(t.db, { transport: strict })).toMatchObject({ attempted: 2, retrying: 2, succeeded: 0 });
    expect(rx.received).toHaveLength(0);
    const [l] = (await listWebhookDeliveries(t.db, scope, local.endpoint.id)).items;
    expect(l!.last_error).toMatch(/^address_not_allowed/);
    const [m] = (await listWebhookDeliveries(t.db, scope, metadata.endpoint.id)).items;
    expect(m!.last_error).toMatch(/^(address_not_allowed|scheme_not_allowed)/);
    // Allowing private targets lets the loopback receiver in, never the metadata address.
    const later = () => new Date(Date.now() + RETRY_SCHEDULE_MS[0]! + 1000);
    expect(await deliverWebhooks(t.db, { transport, now: later })).toMatchObject({ succeeded: 1, retrying: 1 });
    expect(rx.received).toHaveLength(1);
    await rx.close();
  });
});
