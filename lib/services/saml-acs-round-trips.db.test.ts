import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db";
import { makeSamlKit, TEST_APP_URL, type SamlKit } from "@/lib/testing/saml-kit";
import { postgresBehindProxy, type PgProxy } from "@/lib/testing/pg-proxy";
import { postgresReachable, testDbMode } from "@/lib/testing/test-db";
import { consumeSamlResponse, failureOf } from "./saml-acs";
import { assertSsoRateLimit } from "./sso-rate-limits";

/**
 * Database round trips of one sign-in (issue 16), counted on the wire: the app's Postgres client talks
 * through a loopback proxy that counts the longest chain of requests each sent after an answer to the
 * one before (statements sent together, as a pipeline, share a round trip). Counting, not timing: the
 * bound holds on any machine.
 */
const onPostgres = testDbMode() !== "pglite" && (await postgresReachable());

describe.skipIf(!onPostgres)("ACS database round trips (Postgres, counted by a proxy)", () => {
  let setup: Awaited<ReturnType<typeof postgresBehindProxy>>;
  let proxy: PgProxy;
  let app: DbHandle;
  let kit: SamlKit;

  beforeAll(async () => {
    // One connection, like one request's view of the pool: statements are prepared once per connection.
    // Answers held 20 ms: the pieces of one pipeline reach the proxy before any answer is passed on.
    setup = await postgresBehindProxy({ max: 1, answerDelayMs: 20 });
    ({ proxy, app } = setup);
    kit = await makeSamlKit(setup.t.db, { allowIdpInitiated: true });
  });
  afterAll(async () => {
    await setup?.close();
  });

  /** One sign-in as the ACS route runs it: the rate limits, then the use-case (SP-initiated: after kit.login). */
  const signIn = async (email: string, sp?: { requestId: string; relayState: string }) => {
    const found = await assertSsoRateLimit(app.db, { endpoint: "acs", slug: kit.connection.slug, ip: "203.0.113.7" });
    const r = await consumeSamlResponse(app.db, {
      found,
      slug: kit.connection.slug,
      samlResponse: kit.respond({ email, ...(sp ? { inResponseTo: sp.requestId } : {}) }),
      relayState: sp?.relayState ?? null,
      ip: "203.0.113.7",
      appUrl: TEST_APP_URL,
    });
    expect(failureOf(r)).toBeNull();
  };
  const count = async (email: string, sp?: boolean) => {
    const started = sp ? await kit.login() : undefined;
    proxy.resetCounts();
    await signIn(email, started);
    if (process.env.RT_LOG) console.log(proxy.sent().join("\n"));
    return proxy.roundTrips();
  };

  it("a new user's sign-in and a returning user's stay within their round-trip budgets", async () => {
    // Warm the connection's prepared statements on every path (first use of a statement costs one more trip).
    for (const e of ["warm1", "warm2"]) {
      for (const sp of [false, true]) {
        await count(`${e}-${sp}@${kit.workspace.slug}.test`, sp);
        await count(`${e}-${sp}@${kit.workspace.slug}.test`, sp);
      }
    }
    const idp = { created: await count(`idp@${kit.workspace.slug}.test`), returning: await count(`idp@${kit.workspace.slug}.test`) };
    const sp = {
      created: await count(`sp@${kit.workspace.slug}.test`, true),
      returning: await count(`sp@${kit.workspace.slug}.test`, true),
    };
    console.log(
      `round trips per sign-in: IdP-initiated new user ${idp.created}, returning ${idp.returning}; SP-initiated new user ${sp.created}, returning ${sp.returning}`,
    );
    expect(idp.created).toBeLessThanOrEqual(NEW_USER_ROUND_TRIPS);
    expect(idp.returning).toBeLessThanOrEqual(RETURNING_USER_ROUND_TRIPS);
    // SP-initiated: one more, the RelayState's stored request, read before the response is validated
    // (it decides whether this is a console test or a sign-in).
    expect(sp.created).toBeLessThanOrEqual(NEW_USER_ROUND_TRIPS + 1);
    expect(sp.returning).toBeLessThanOrEqual(RETURNING_USER_ROUND_TRIPS + 1);
  });
});

/**
 * The budgets (issue 16). An IdP-initiated sign-in: the rate limits and the connection lookup
 * in one statement; then one pipelined transaction (db/pipelined-transaction.ts). Its BEGIN, the
 * assertion's one-time use, the provisioning lock and the provisioning facts go out together; then a
 * returning member's link and membership, the ticket, SSO session and event, and the COMMIT. A new
 * member's account, link, membership, audit entry and webhook event go out together before that.
 * History: 20/18 → 21/19 (single logout's sso_sessions row) → 13/9 → 4/3.
 */
const NEW_USER_ROUND_TRIPS = 4;
const RETURNING_USER_ROUND_TRIPS = 3;
