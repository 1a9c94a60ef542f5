import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consumedAssertions, linkedIdentities, loginTickets, memberships, ssoEvents, users } from "@/db/schema";
import { makeSamlKit, TEST_APP_URL, type SamlKit } from "@/lib/testing/saml-kit";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { consumeSamlResponse, failureOf } from "./saml-acs";

/**
 * A sign-in is all or nothing (issue 16): the assertion's one-time use, provisioning, the login ticket
 * and the success event commit together. A fault in the middle (a real database error, raised by a
 * trigger on one of the tables) leaves no user, membership, linked identity, ticket or used assertion
 * behind, so the person's retry is not refused as a replay; a refusal still uses the assertion up.
 */
let t: TestDb;
let kit: SamlKit;

beforeAll(async () => {
  t = await createTestDb();
  kit = await makeSamlKit(t.db, { allowIdpInitiated: true });
  await t.db.execute(
    sql.raw(`create function gh_test_fault() returns trigger language plpgsql as $$
      begin raise exception 'injected fault on %', tg_table_name; end $$`),
  );
});
afterAll(async () => {
  await t?.close();
});

const acs = (samlResponse: string) =>
  consumeSamlResponse(t.db, { slug: kit.connection.slug, samlResponse, relayState: null, appUrl: TEST_APP_URL });

async function fault(table: "sso_events" | "login_tickets", run: () => Promise<unknown>) {
  await t.db.execute(sql.raw(`create trigger gh_fault before insert on ${table} for each row execute function gh_test_fault()`));
  try {
    return await run();
  } finally {
    await t.db.execute(sql.raw(`drop trigger gh_fault on ${table}`));
  }
}

async function rowsFor(email: string, assertionId: string) {
  const [user] = await t.db.select().from(users).where(eq(users.email, email));
  return {
    user: !!user,
    memberships: user ? (await t.db.select().from(memberships).where(eq(memberships.userId, user.id))).length : 0,
    links: (await t.db.select().from(linkedIdentities).where(eq(linkedIdentities.nameId, email))).length,
    tickets: user ? (await t.db.select().from(loginTickets).where(eq(loginTickets.userId, user.id))).length : 0,
    used: (await t.db.select().from(consumedAssertions).where(eq(consumedAssertions.assertionId, assertionId))).length,
    successEvents: (await t.db.select().from(ssoEvents).where(eq(ssoEvents.email, email))).filter((e) => e.outcome === "success").length,
  };
}

const NOTHING = { user: false, memberships: 0, links: 0, tickets: 0, used: 0, successEvents: 0 };

describe("ACS: a sign-in commits as one transaction", () => {
  for (const table of ["login_tickets", "sso_events"] as const) {
    it(`a database fault while writing ${table} leaves nothing behind, and the same response then signs in once`, async () => {
      const email = `fault-${table}@${kit.workspace.slug}.test`;
      const assertionId = `_fault_${table}_${Date.now()}`;
      const response = kit.respond({ email, assertionId });
      await expect(fault(table, () => acs(response))).rejects.toThrow();
      expect(await rowsFor(email, assertionId)).toEqual(NOTHING);

      const ok = await acs(response);
      expect(failureOf(ok)).toBeNull();
      expect(await rowsFor(email, assertionId)).toEqual({ user: true, memberships: 1, links: 1, tickets: 1, used: 1, successEvents: 1 });
      expect(failureOf(await acs(response))).toBe("SAML_REPLAY");
    });
  }

  it("a returning user's sign-in that fails midway changes nothing (last sign-in time, tickets)", async () => {
    const email = `back@${kit.workspace.slug}.test`;
    expect(failureOf(await acs(kit.respond({ email })))).toBeNull();
    const [link] = await t.db.select().from(linkedIdentities).where(eq(linkedIdentities.nameId, email));
    const assertionId = `_fault_back_${Date.now()}`;
    await expect(fault("sso_events", () => acs(kit.respond({ email, assertionId })))).rejects.toThrow();
    const [after] = await t.db.select().from(linkedIdentities).where(eq(linkedIdentities.nameId, email));
    expect(after!.lastLoginAt).toEqual(link!.lastLoginAt);
    expect(await rowsFor(email, assertionId)).toMatchObject({ tickets: 1, used: 0, successEvents: 1 });
  });

  it("a refused sign-in still uses the assertion up (a replay after the refusal is SAML_REPLAY)", async () => {
    const k = await makeSamlKit(t.db, { allowIdpInitiated: true, jitProvisioning: false });
    const response = k.respond({ email: `nobody@${k.workspace.slug}.test` });
    const first = await consumeSamlResponse(t.db, {
      slug: k.connection.slug,
      samlResponse: response,
      relayState: null,
      appUrl: TEST_APP_URL,
    });
    expect(failureOf(first)).toBe("SAML_USER_NOT_PROVISIONED");
    const again = await consumeSamlResponse(t.db, {
      slug: k.connection.slug,
      samlResponse: response,
      relayState: null,
      appUrl: TEST_APP_URL,
    });
    expect(failureOf(again)).toBe("SAML_REPLAY");
  });
});
