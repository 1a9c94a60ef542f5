import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgres, type DbHandle } from "@/db";
import { memberships, ssoEvents, users } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import { createDevIdp } from "@/lib/dev-idp";
import { makeSamlKit, TEST_APP_URL, type SamlKit } from "@/lib/testing/saml-kit";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { updateConnection } from "./connections";
import { redeemLoginTicket } from "./login-tickets";
import { consumeSamlResponse, failureOf, type AcsOutcome } from "./saml-acs";
import { findOrCreateUser } from "./users";
import { memberActor } from "./actor";

let t: TestDb;
let kit: SamlKit;

beforeAll(async () => {
  t = await createTestDb();
  kit = await makeSamlKit(t.db, { defaultRole: "editor" });
});
afterAll(async () => {
  await t?.close();
});

const acs = (samlResponse: string | null, extra: { relayState?: string | null; now?: Date; slug?: string; k?: SamlKit } = {}) =>
  consumeSamlResponse(t.db, {
    slug: extra.slug ?? (extra.k ?? kit).connection.slug,
    samlResponse,
    relayState: extra.relayState ?? null,
    appUrl: TEST_APP_URL,
    now: extra.now,
  });

const codeOf = (r: AcsOutcome) => failureOf(r) ?? "OK";
const ticketOf = (r: AcsOutcome) => (r.kind === "redirect" ? (new URL(r.location, TEST_APP_URL).searchParams.get("ticket") ?? "") : "");
/** Redeem the outcome's ticket in the browser that posted the response (and, for SP-initiated, started it with `nonce`). */
const redeem = (r: AcsOutcome, nonce: string | null = null, now?: Date) =>
  redeemLoginTicket(t.db, ticketOf(r), { browserBinding: r.kind === "redirect" ? r.browserBinding : null, loginNonce: nonce }, now);

async function eventOf(r: AcsOutcome) {
  const [ev] = await t.db.select().from(ssoEvents).where(eq(ssoEvents.id, r.eventId!));
  return ev!;
}

describe("ACS: connection selection", () => {
  it("unknown slug → SAML_NOT_FOUND, with an event", async () => {
    const r = await acs(kit.respond(), { slug: "no-such-connection" });
    expect(codeOf(r)).toBe("SAML_NOT_FOUND");
    expect(r.kind === "page" && r.error.status).toBe(404);
    expect((await eventOf(r)).errorCode).toBe("SAML_NOT_FOUND");
  });

  it("inactive connection → 410 SAML_INACTIVE", async () => {
    const k = await makeSamlKit(t.db);
    await updateConnection(
      t.db,
      k.workspace.id,
      k.connection.id,
      { version: k.connection.version, active: false },
      memberActor(k.owner.id, "owner"),
    );
    const r = await acs(k.respond(), { k });
    expect(codeOf(r)).toBe("SAML_INACTIVE");
    expect(r.kind === "page" && r.error.status).toBe(410);
    const ev = await eventOf(r);
    expect(ev.connectionId).toBe(k.connection.id);
    expect(ev.outcome).toBe("failure");
  });

  it("a response from another connection's IdP fails signature or issuer checks (the slug decides, not the Issuer)", async () => {
    const other = await makeSamlKit(t.db);
    // Signed correctly by the other IdP, addressed to our SP values.
    const r = await acs(other.idp.createResponse({ acsUrl: kit.sp.acsUrl, audience: kit.sp.entityId, nameId: "x@corp.test" }));
    expect(["SAML_WRONG_ISSUER", "SAML_SIGNATURE_INVALID"]).toContain(codeOf(r));
  });
});

describe("ACS: SP-initiated", () => {
  it("succeeds, JIT-creates the user with names at the default role, and hands off via a login ticket", async () => {
    const { requestId, relayState, signatureVerified, nonce } = await kit.login({ returnTo: "/w/somewhere?tab=1" });
    expect(signatureVerified).toBe(true);
    const email = "ada.sp@corp.test";
    const r = await acs(kit.respond({ inResponseTo: requestId, email }), { relayState });
    expect(codeOf(r)).toBe("OK");
    expect(r.kind === "redirect" && r.location.startsWith("/auth/sso/complete?ticket=")).toBe(true);
    const [user] = await t.db.select().from(users).where(eq(users.email, email));
    expect(user).toMatchObject({ firstName: "Ada", lastName: "Lovelace" });
    const [m] = await t.db
      .select()
      .from(memberships)
      .where(and(eq(memberships.userId, user!.id), eq(memberships.workspaceId, kit.workspace.id)));
    expect(m).toMatchObject({ role: "editor", status: "active", source: "sso" });
    const ev = await eventOf(r);
    expect(ev).toMatchObject({ outcome: "success", flow: "sp", email, userId: user!.id, testMode: false });
    expect(JSON.stringify(ev.detail)).not.toMatch(/PRIVATE KEY|SignatureValue/);
    const redeemed = await redeem(r, nonce);
    expect(redeemed.returnTo).toBe("/w/somewhere?tab=1");
    expect(redeemed.user.id).toBe(user!.id);
  });

  it("unknown InResponseTo → SAML_IN_RESPONSE_TO_INVALID", async () => {
    const r = await acs(kit.respond({ inResponseTo: "_never-issued" }));
    expect(codeOf(r)).toBe("SAML_IN_RESPONSE_TO_INVALID");
    expect((await eventOf(r)).detail).toMatchObject({ reason: "unknown" });
  });

  it("reused InResponseTo (a second response to one request) → SAML_IN_RESPONSE_TO_INVALID", async () => {
    const { requestId } = await kit.login();
    expect(codeOf(await acs(kit.respond({ inResponseTo: requestId })))).toBe("OK");
    const r = await acs(kit.respond({ inResponseTo: requestId }));
    expect(codeOf(r)).toBe("SAML_IN_RESPONSE_TO_INVALID");
    expect((await eventOf(r)).detail).toMatchObject({ reason: "used" });
  });

  it("another connection's request → SAML_IN_RESPONSE_TO_INVALID", async () => {
    const other = await makeSamlKit(t.db);
    const { requestId } = await other.login();
    const r = await acs(kit.respond({ inResponseTo: requestId }));
    expect(codeOf(r)).toBe("SAML_IN_RESPONSE_TO_INVALID");
    expect((await eventOf(r)).detail).toMatchObject({ reason: "unknown" });
  });

  it("expired request (older than 10 minutes) → SAML_IN_RESPONSE_TO_INVALID", async () => {
    const { requestId } = await kit.login();
    const later = new Date(Date.now() + 11 * 60_000);
    const r = await acs(kit.respond({ inResponseTo: requestId, now: later }), { now: later });
    expect(codeOf(r)).toBe("SAML_IN_RESPONSE_TO_INVALID");
    expect((await eventOf(r)).detail).toMatchObject({ reason: "expired" });
  });

  it("return_to outside this origin is ignored: the default redirect is used", async () => {
    for (const bad of ["//evil.test/x", "/\\evil.test", "https://evil.test/", "/\t/evil.test", "javascript:alert(1)"]) {
      const { requestId, nonce } = await kit.login({ returnTo: bad });
      const r = await acs(kit.respond({ inResponseTo: requestId }));
      expect((await redeem(r, nonce)).returnTo).toBe("/");
    }
  });
});

describe("ACS: IdP-initiated", () => {
  it("succeeds when the connection allows it (RelayState path honoured when safe)", async () => {
    const r = await acs(kit.respond({ email: "idp.init@corp.test" }), { relayState: "/w/x/settings" });
    expect(codeOf(r)).toBe("OK");
    expect((await eventOf(r)).flow).toBe("idp");
    expect((await redeem(r)).returnTo).toBe("/w/x/settings");
  });

  it("refused with SAML_UNSOLICITED when not allowed", async () => {
    const k = await makeSamlKit(t.db, { allowIdpInitiated: false });
    const r = await acs(k.respond(), { k });
    expect(codeOf(r)).toBe("SAML_UNSOLICITED");
    expect((await eventOf(r)).errorCode).toBe("SAML_UNSOLICITED");
  });
});

describe("ACS: one-time use", () => {
  it("the same response twice → SAML_REPLAY", async () => {
    const response = kit.respond();
    expect(codeOf(await acs(response))).toBe("OK");
    expect(codeOf(await acs(response))).toBe("SAML_REPLAY");
  });

  it("the same SP-initiated response twice → SAML_REPLAY", async () => {
    const { requestId } = await kit.login();
    const response = kit.respond({ inResponseTo: requestId });
    expect(codeOf(await acs(response))).toBe("OK");
    expect(codeOf(await acs(response))).toBe("SAML_REPLAY");
  });

  it("20 concurrent replays of one response (two instances when Postgres is available): exactly one succeeds", async () => {
    const k = await makeSamlKit(t.db);
    const response = k.respond({ email: "race@corp.test" });
    const extra: DbHandle[] = t.url ? [await openPostgres(t.url, { max: 10 }), await openPostgres(t.url, { max: 10 })] : [];
    try {
      const dbs = extra.length ? extra.map((h) => h.db) : [t.db];
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          consumeSamlResponse(dbs[i % dbs.length]!, {
            slug: k.connection.slug,
            samlResponse: response,
            relayState: null,
            appUrl: TEST_APP_URL,
          }),
        ),
      );
      const codes = results.map(codeOf);
      expect(codes.filter((c) => c === "OK")).toHaveLength(1);
      expect(codes.filter((c) => c === "SAML_REPLAY")).toHaveLength(19);
      const evs = await t.db.select().from(ssoEvents).where(eq(ssoEvents.connectionId, k.connection.id));
      expect(evs).toHaveLength(20);
      expect(evs.filter((e) => e.outcome === "success")).toHaveLength(1);
      expect(await t.db.select().from(users).where(eq(users.email, "race@corp.test"))).toHaveLength(1);
    } finally {
      for (const h of extra) await h.close();
    }
  });
});

describe("ACS: accounts", () => {
  it("an existing account not linked to this connection is refused (SAML_ACCOUNT_NOT_LINKABLE)", async () => {
    await findOrCreateUser(t.db, { email: "existing@corp.test", passwordHash: await hashPassword("some password 123") });
    const r = await acs(kit.respond({ email: "existing@corp.test" }));
    expect(codeOf(r)).toBe("SAML_ACCOUNT_NOT_LINKABLE");
    expect((await eventOf(r)).email).toBe("existing@corp.test");
  });

  it("a linked account signs in again", async () => {
    expect(codeOf(await acs(kit.respond({ email: "linked@corp.test" })))).toBe("OK");
    const again = await acs(kit.respond({ email: "linked@corp.test" }));
    expect(codeOf(again)).toBe("OK");
  });

  it("JIT off and no membership → SAML_USER_NOT_PROVISIONED", async () => {
    const k = await makeSamlKit(t.db, { jitProvisioning: false });
    const r = await acs(k.respond({ email: "nobody@corp.test" }), { k });
    expect(codeOf(r)).toBe("SAML_USER_NOT_PROVISIONED");
    expect(await t.db.select().from(users).where(eq(users.email, "nobody@corp.test"))).toHaveLength(0);
  });

  it("no email anywhere → SAML_MISSING_EMAIL", async () => {
    const r = await acs(
      kit.respond({
        nameId: "opaque-id-123",
        nameIdFormat: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
        attributes: { firstName: "No" },
      }),
    );
    expect(codeOf(r)).toBe("SAML_MISSING_EMAIL");
  });

  it("a response signed by another key → SAML_SIGNATURE_INVALID, recorded", async () => {
    const attacker = createDevIdp({ entityId: kit.idp.entityId });
    const r = await acs(attacker.createResponse({ acsUrl: kit.sp.acsUrl, audience: kit.sp.entityId, nameId: "victim@corp.test" }));
    expect(codeOf(r)).toBe("SAML_SIGNATURE_INVALID");
    expect((await eventOf(r)).errorCode).toBe("SAML_SIGNATURE_INVALID");
  });
});

describe("ACS: test mode", () => {
  it("needs an admin of the workspace; a stranger sees SAML_NOT_FOUND", async () => {
    const stranger = await findOrCreateUser(t.db, { email: "stranger@else.test" });
    await expect(kit.login({ test: true, userId: stranger.user.id })).rejects.toMatchObject({ code: "SAML_NOT_FOUND" });
    await expect(kit.login({ test: true })).rejects.toMatchObject({ code: "SAML_NOT_FOUND" });
  });

  it("provisions nobody, records the preview, redirects to the console's test result page", async () => {
    const { requestId, relayState } = await kit.login({ test: true, userId: kit.owner.id });
    const email = "tester@corp.test";
    const r = await acs(kit.respond({ inResponseTo: requestId, email }), { relayState });
    expect(codeOf(r)).toBe("OK");
    expect(r.kind === "redirect" && r.mode).toBe("test");
    expect(r.kind === "redirect" && r.location).toBe(`/w/${kit.workspace.slug}/settings/sso/${kit.connection.id}/test/${r.eventId}`);
    expect(await t.db.select().from(users).where(eq(users.email, email))).toHaveLength(0);
    const ev = await eventOf(r);
    expect(ev.testMode).toBe(true);
    expect(ev.detail).toMatchObject({ nameId: email, email, role: "editor", matchedRule: null, attributes: { firstName: ["Ada"] } });
  });

  it("a failing test sign-in also lands on the test result page with the code", async () => {
    const { relayState } = await kit.login({ test: true, userId: kit.owner.id });
    const r = await acs(kit.respond({ inResponseTo: "_wrong", audience: "https://wrong.test/sp" }), { relayState });
    expect(codeOf(r)).toBe("SAML_AUDIENCE_MISMATCH");
    expect(r.kind === "redirect" && r.location).toBe(`/w/${kit.workspace.slug}/settings/sso/${kit.connection.id}/test/${r.eventId}`);
    const ev = await eventOf(r);
    expect(ev).toMatchObject({ testMode: true, outcome: "failure", errorCode: "SAML_AUDIENCE_MISMATCH" });
  });
});

describe("login tickets", () => {
  it("are single-use and expire after 60 seconds", async () => {
    const r1 = await acs(kit.respond());
    await redeem(r1);
    await expect(redeem(r1)).rejects.toMatchObject({ code: "SAML_LOGIN_TICKET_INVALID" });
    const r2 = await acs(kit.respond());
    await expect(redeem(r2, null, new Date(Date.now() + 61_000))).rejects.toMatchObject({
      code: "SAML_LOGIN_TICKET_INVALID",
    });
    await expect(redeemLoginTicket(t.db, "x".repeat(43), { browserBinding: null, loginNonce: null })).rejects.toMatchObject({
      code: "SAML_LOGIN_TICKET_INVALID",
    });
  });
});
