import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db";
import { makeSamlKit, TEST_APP_URL, type SamlKit } from "@/lib/testing/saml-kit";
import { postgresBehindProxy, type PgProxy } from "@/lib/testing/pg-proxy";
import { postgresReachable, testDbMode } from "@/lib/testing/test-db";
import { consumeSamlResponse, failureOf } from "./saml-acs";
import { assertSsoRateLimit } from "./sso-rate-limits";

/**
 * Database round trips of one sign-in (issue 16), counted on the wire: the app's Postgres client talks
 * through a loopback proxy that counts every Sync and simple Query it sends (each is one request the
 * client waits on). Counting, not timing: the bound holds on any machine.
 */
const onPostgres = testDbMode() !== "pglite" && (await postgresReachable());

describe.skipIf(!onPostgres)("ACS database round trips (Postgres, counted by a proxy)", () => {
  let setup: Awaited<ReturnType<typeof postgresBehindProxy>>;
  let proxy: PgProxy;
  let app: DbHandle;
  let kit: SamlKit;

  beforeAll(async () => {
    // One connection, like one request's view of the pool: statements are prepared once per connection.
    setup = await postgresBehindProxy({ max: 1 });
    ({ proxy, app } = setup);
    kit = await makeSamlKit(setup.t.db, { allowIdpInitiated: true });
  });
  afterAll(async () => {
    await setup?.close();
  });

  /** One sign-in as the ACS route runs it: the rate limits, then the use-case. */
  const signIn = async (email: string) => {
    const found = await assertSsoRateLimit(app.db, { endpoint: "acs", slug: kit.connection.slug, ip: "203.0.113.7" });
    const r = await consumeSamlResponse(app.db, {
      found,
      slug: kit.connection.slug,
      samlResponse: kit.respond({ email }),
      relayState: null,
      ip: "203.0.113.7",
      appUrl: TEST_APP_URL,
    });
    expect(failureOf(r)).toBeNull();
  };
  const count = async (email: string) => {
    proxy.resetCounts();
    await signIn(email);
    if (process.env.RT_LOG) console.log(proxy.sent().join("\n"));
    return { roundTrips: proxy.roundTrips(), statements: proxy.statements() };
  };

  it("a new user's sign-in and a returning user's stay within their round-trip budgets", async () => {
    // Warm the connection's prepared statements on both paths (first use of a statement costs one more trip).
    for (const e of ["warm1", "warm2"]) {
      await signIn(`${e}@${kit.workspace.slug}.test`);
      await signIn(`${e}@${kit.workspace.slug}.test`);
    }
    const created = await count(`new@${kit.workspace.slug}.test`);
    const returning = await count(`new@${kit.workspace.slug}.test`);
    console.log(
      `round trips per sign-in: new user ${created.roundTrips} (${created.statements} statements), returning ${returning.roundTrips} (${returning.statements} statements)`,
    );
    expect(created.roundTrips).toBeLessThanOrEqual(NEW_USER_ROUND_TRIPS);
    expect(returning.roundTrips).toBeLessThanOrEqual(RETURNING_USER_ROUND_TRIPS);
  });
});

/**
 * Where it stands (README, "Benchmarks"): the rate limits and the connection lookup in one statement,
 * then one transaction: begin, the assertion's one-time use, a savepoint, the advisory lock, the
 * provisioning facts in one statement (readProvisioningFacts; seven reads before), the provisioning
 * writes (a returning member's link and membership in one statement; a new one's user, link,
 * membership, audit and webhook lookup), the ticket + SSO session + event in one statement, commit.
 * The goal (3 and 4) needs the transaction's own statements folded too; this bound keeps what
 * was won and fails on any new round trip. History: 20/18 → 21/19 (single logout's sso_sessions row)
 * → 13/9.
 */
const NEW_USER_ROUND_TRIPS = 13;
const RETURNING_USER_ROUND_TRIPS = 9;
