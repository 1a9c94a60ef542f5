/**
 * The retention job against a real database: what unauthenticated requests make the app store is
 * deleted by the scheduler (server/jobs.ts), not at random inside requests.
 */
import { randomBytes } from "node:crypto";
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authnRequests, consumedAssertions, idempotencyKeys, loginTickets, rateLimits, ssoEvents } from "@/db/schema";
import { memberActor } from "@/lib/services/actor";
import { createApiKey } from "@/lib/services/api-keys";
import { hashBrowserSecret, issueLoginTicket, redeemLoginTicket } from "@/lib/services/login-tickets";
import { sweepExpiredRecords } from "@/lib/services/retention";
import { claimIdempotencyKey } from "@/lib/services/idempotency";
import { makeSamlKit, type SamlKit } from "@/lib/testing/saml-kit";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { jobs } from "./jobs";
import { runJob } from "./scheduler";

let t: TestDb;
let kit: SamlKit;
let apiKeyId: string;
beforeAll(async () => {
  t = await createTestDb();
  kit = await makeSamlKit(t.db);
  apiKeyId = (await createApiKey(t.db, kit.workspace.id, { name: "retention" }, memberActor(kit.owner.id, "owner"))).apiKey.id;
});
afterAll(async () => {
  await t?.close();
});

const DAY = 86_400_000;
const id = () => randomBytes(6).toString("hex");

/** One old and one fresh row in every table the job sweeps; returns their keys. */
async function seed(now: Date) {
  const ago = (ms: number) => new Date(now.getTime() - ms);
  const c = kit.connection.id;
  const req = { old: `_old${id()}`, fresh: `_new${id()}` };
  await t.db.insert(authnRequests).values([
    { id: req.old, relayState: id(), connectionId: c, expiresAt: ago(2 * 3600_000), createdAt: ago(3 * 3600_000) },
    { id: req.fresh, relayState: id(), connectionId: c, expiresAt: ago(-600_000), createdAt: now },
  ]);
  const assertion = { old: `_a-old-${id()}`, fresh: `_a-new-${id()}` };
  await t.db.insert(consumedAssertions).values([
    { connectionId: c, assertionId: assertion.old, expiresAt: ago(1000), createdAt: ago(600_000) },
    { connectionId: c, assertionId: assertion.fresh, expiresAt: ago(-300_000), createdAt: now },
  ]);
  const ticket = { old: hashBrowserSecret(id()), fresh: hashBrowserSecret(id()) };
  await t.db.insert(loginTickets).values([
    {
      tokenHash: ticket.old,
      userId: kit.owner.id,
      returnTo: "/",
      expiresAt: ago(2 * 3600_000),
      createdAt: ago(7300_000),
      usedAt: ago(7290_000),
    },
    { tokenHash: ticket.fresh, userId: kit.owner.id, returnTo: "/", expiresAt: ago(-60_000), createdAt: now },
  ]);
  const idem = { old: `old-${id()}`, fresh: `new-${id()}` };
  await t.db.insert(idempotencyKeys).values([
    { apiKeyId, key: idem.old, requestHash: "x", statusCode: 201, response: { data: 1 }, createdAt: ago(DAY + 1000) },
    { apiKeyId, key: idem.fresh, requestHash: "x", statusCode: 201, response: { data: 1 }, createdAt: ago(3600_000) },
  ]);
  const rate = { old: `test:old:${id()}`, fresh: `test:new:${id()}` };
  await t.db.insert(rateLimits).values([
    { key: rate.old, windowStart: ago(DAY + 1000), count: 3 },
    { key: rate.fresh, windowStart: ago(60_000), count: 3 },
  ]);
  const [oldEvent, freshEvent] = await t.db
    .insert(ssoEvents)
    .values([
      { workspaceId: kit.workspace.id, connectionId: c, outcome: "failure", errorCode: "SAML_MALFORMED", createdAt: ago(91 * DAY) },
      { workspaceId: kit.workspace.id, connectionId: c, outcome: "failure", errorCode: "SAML_MALFORMED", createdAt: ago(89 * DAY) },
    ])
    .returning({ id: ssoEvents.id });
  return { req, assertion, ticket, idem, rate, event: { old: oldEvent!.id, fresh: freshEvent!.id } };
}

async function present(s: Awaited<ReturnType<typeof seed>>, which: "old" | "fresh") {
  const has = async (rows: Promise<unknown[]>) => (await rows).length === 1;
  return {
    authnRequest: await has(t.db.select().from(authnRequests).where(eq(authnRequests.id, s.req[which]))),
    consumedAssertion: await has(t.db.select().from(consumedAssertions).where(eq(consumedAssertions.assertionId, s.assertion[which]))),
    loginTicket: await has(t.db.select().from(loginTickets).where(eq(loginTickets.tokenHash, s.ticket[which]))),
    idempotencyKey: await has(t.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, s.idem[which]))),
    rateLimit: await has(t.db.select().from(rateLimits).where(eq(rateLimits.key, s.rate[which]))),
    ssoEvent: await has(t.db.select().from(ssoEvents).where(eq(ssoEvents.id, s.event[which]))),
  };
}

const all = (v: boolean) => ({
  authnRequest: v,
  consumedAssertion: v,
  loginTicket: v,
  idempotencyKey: v,
  rateLimit: v,
  ssoEvent: v,
});

describe("retention.sweep job", () => {
  it("is scheduled in server/jobs.ts", () => {
    expect(jobs.find((j) => j.name === "retention.sweep")).toMatchObject({ everyMs: 600_000 });
  });

  it("deletes expired AuthnRequests, consumed assertions, tickets, 24 h old idempotency keys, stale rate limits and events past 90 days; keeps the rest", async () => {
    const now = new Date();
    const s = await seed(now);
    const summary = (await runJob(t.db, "retention.sweep", now)) as Record<string, number>;
    expect(await present(s, "old")).toEqual(all(false));
    expect(await present(s, "fresh")).toEqual(all(true));
    for (const k of ["authnRequests", "consumedAssertions", "loginTickets", "idempotencyKeys", "rateLimits", "ssoEvents"]) {
      expect(summary[k], k).toBeGreaterThanOrEqual(1);
    }
  });

  it("SSO event retention follows the configured number of days", async () => {
    const now = new Date();
    const s = await seed(now);
    await sweepExpiredRecords(t.db, now, { ssoEventRetentionDays: 30 });
    expect((await present(s, "fresh")).ssoEvent).toBe(false); // 89 days old, over a 30-day retention
  });

  it("works through a backlog in batches", async () => {
    const now = new Date();
    const keys = Array.from({ length: 23 }, () => `test:batch:${id()}`);
    await t.db.insert(rateLimits).values(keys.map((key) => ({ key, windowStart: new Date(now.getTime() - 2 * DAY), count: 1 })));
    const r = await sweepExpiredRecords(t.db, now, { ssoEventRetentionDays: 90, batchSize: 5, maxBatches: 10 });
    expect(r.rateLimits).toBeGreaterThanOrEqual(23);
    expect(await t.db.select().from(rateLimits).where(inArray(rateLimits.key, keys))).toHaveLength(0);
  });

  it("request paths delete nothing: expired rows stay after sign-ins and ticket redemptions until the job runs", async () => {
    const now = new Date();
    const s = await seed(now);
    for (let i = 0; i < 5; i++) {
      const { requestId, nonce } = await kit.login();
      const { consumeSamlResponse } = await import("@/lib/services/saml-acs");
      const r = await consumeSamlResponse(t.db, {
        slug: kit.connection.slug,
        samlResponse: kit.respond({ inResponseTo: requestId }),
        relayState: null,
        appUrl: "http://localhost:3999",
      });
      expect(r.kind).toBe("redirect");
      if (r.kind === "redirect") {
        await redeemLoginTicket(t.db, new URL(r.location, "http://x").searchParams.get("ticket")!, {
          browserBinding: r.browserBinding,
          loginNonce: nonce,
        });
      }
    }
    await claimIdempotencyKey(t.db, apiKeyId, `another-${id()}`, "h", now);
    const binding = id();
    const tk = await issueLoginTicket(t.db, { userId: kit.owner.id, returnTo: "/", browserBinding: binding, loginNonceHash: null });
    await redeemLoginTicket(t.db, tk, { browserBinding: binding, loginNonce: null });
    expect(await present(s, "old")).toEqual(all(true));
  });
});

describe("idempotency keys without request-path deletes", () => {
  it("a key older than 24 h is claimed afresh (for a different request too), before or without the sweep", async () => {
    const key = `reuse-${id()}`;
    const then = new Date(Date.now() - DAY - 60_000);
    expect(await claimIdempotencyKey(t.db, apiKeyId, key, "first", then)).toEqual({ kind: "claimed" });
    await t.db
      .update(idempotencyKeys)
      .set({ statusCode: 201, response: { data: "old" } })
      .where(eq(idempotencyKeys.key, key));
    expect(await claimIdempotencyKey(t.db, apiKeyId, key, "second")).toEqual({ kind: "claimed" });
    const [row] = await t.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, key));
    expect(row).toMatchObject({ requestHash: "second", statusCode: null, response: null });
  });
});
