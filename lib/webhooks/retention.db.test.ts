import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, inArray } from "drizzle-orm";
import { webhookAttempts, webhookDeliveries, webhookEvents } from "@/db/schema";
import { makeWorkspace } from "@/lib/testing/fixtures";
import { createWebhookEndpoint } from "@/lib/services/webhooks";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { emitEvent } from "./emit";
import { purgeWebhookHistory, WEBHOOK_HISTORY_RETENTION_DAYS } from "./retention";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.close();
});

const DAY = 86_400_000;

describe("webhook history retention", () => {
  it("deletes finished events (with deliveries and attempts) past the retention period; keeps recent ones and any still being retried", async () => {
    const { workspace: ws } = await makeWorkspace(t.db, { slug: "wh-retention" });
    await createWebhookEndpoint(
      t.db,
      { kind: "workspace", workspaceId: ws.id },
      { url: "https://hooks.retention.test/in" },
      { userId: null },
    );
    const now = new Date();
    const emit = (daysAgo: number, n: number) =>
      emitEvent(t.db, {
        workspaceId: ws.id,
        type: "user.updated",
        data: {
          organization_id: ws.id,
          user_id: `00000000-0000-0000-0000-${String(n).padStart(12, "0")}`,
          email: `u${n}@x.test`,
          name: null,
          changed: ["name"],
          directory_id: null,
        },
        at: new Date(now.getTime() - daysAgo * DAY),
      });
    const oldDone = (await emit(WEBHOOK_HISTORY_RETENTION_DAYS + 5, 1))!;
    const oldFailed = (await emit(WEBHOOK_HISTORY_RETENTION_DAYS + 4, 2))!;
    const oldPending = (await emit(WEBHOOK_HISTORY_RETENTION_DAYS + 3, 3))!;
    const recent = (await emit(2, 4))!;
    await t.db
      .update(webhookDeliveries)
      .set({ status: "succeeded", completedAt: now })
      .where(inArray(webhookDeliveries.eventId, [oldDone, recent]));
    await t.db.update(webhookDeliveries).set({ status: "failed", completedAt: now }).where(eq(webhookDeliveries.eventId, oldFailed));
    const [delivery] = await t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.eventId, oldDone));
    await t.db.insert(webhookAttempts).values({ deliveryId: delivery!.id, attemptedAt: now, statusCode: 200, durationMs: 3 });

    expect(await purgeWebhookHistory(t.db, now)).toEqual({ purged: 2 });
    const left = (await t.db.select({ id: webhookEvents.id }).from(webhookEvents).where(eq(webhookEvents.workspaceId, ws.id))).map(
      (r) => r.id,
    );
    expect(left.sort()).toEqual([oldPending, recent].sort());
    expect(await t.db.select().from(webhookAttempts).where(eq(webhookAttempts.deliveryId, delivery!.id))).toEqual([]);
    expect(
      await t.db
        .select()
        .from(webhookDeliveries)
        .where(inArray(webhookDeliveries.eventId, [oldDone, oldFailed])),
    ).toEqual([]);
    expect(await purgeWebhookHistory(t.db, now)).toEqual({ purged: 0 });
  });
});
