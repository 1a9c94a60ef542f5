/**
 * Unauthenticated storage: whatever an anonymous client posts to the ACS, no sso_events row grows past
 * a few KB, and the login and ACS endpoints are rate-limited per IP and per connection.
 */
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rateLimits, ssoEvents } from "@/db/schema";
import { REMOTE_ADDR_HEADER } from "@/lib/http/client-ip";
import { useDbForTests } from "@/server/bootstrap";
import { makeSamlKit, TEST_APP_URL, type SamlKit } from "@/lib/testing/saml-kit";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { boundEventDetail, SSO_EVENT_DETAIL_MAX_BYTES } from "@/lib/services/sso-events";
import { SSO_RATE_LIMITS } from "@/lib/services/sso-rate-limits";
import * as acsRoute from "@/app/auth/sso/saml/[slug]/acs/route";
import * as loginRoute from "@/app/auth/sso/saml/[slug]/login/route";
import * as discoverRoute from "@/app/auth/sso/discover/route";

let t: TestDb;
let kit: SamlKit;
beforeAll(async () => {
  t = await createTestDb();
  useDbForTests(t.db);
  kit = await makeSamlKit(t.db, { requireVerifiedDomains: false });
});
afterAll(async () => {
  await t?.close();
});

const params = (slug: string) => ({ params: Promise.resolve({ slug }) });
const postAcs = (slug: string, body: string, ip = `198.51.100.${Math.floor(Math.random() * 250)}`) =>
  acsRoute.POST(
    new Request(`${TEST_APP_URL}/auth/sso/saml/${slug}/acs`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", [REMOTE_ADDR_HEADER]: ip },
      body,
    }),
    params(slug),
  );
const largestDetail = async () => {
  const [row] = await t.db
    .select({ bytes: sql<number>`max(octet_length(${ssoEvents.detail}::text))::int` })
    .from(ssoEvents)
    .where(eq(ssoEvents.connectionId, kit.connection.id));
  return Number(row!.bytes);
};

describe("sso_events stay small whatever is posted", () => {
  it("a 253 KB garbage POST to the ACS stores an event of a few KB at most", async () => {
    // Not SAML at all: an element whose 185 000-character name the validator reports as "actual".
    const garbage = Buffer.from(`<${"g".repeat(185_000)}/>`).toString("base64url");
    const body = new URLSearchParams({ SAMLResponse: garbage, RelayState: "r".repeat(5000) }).toString();
    expect(body.length).toBeGreaterThan(250_000);
    const res = await postAcs(kit.connection.slug, body);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("SAML_MALFORMED");
    expect(await largestDetail()).toBeLessThanOrEqual(SSO_EVENT_DETAIL_MAX_BYTES);
  });

  it("a ~250 KB POST signed by the connection's IdP, with no email and 35 attributes of 5 000-character names, stores a few KB at most", async () => {
    const attributes = Object.fromEntries(Array.from({ length: 35 }, (_, i) => [`attr-${i}-${"n".repeat(5000)}`, ["v"]]));
    const body = new URLSearchParams({ SAMLResponse: kit.respond({ nameId: "not-an-email", attributes }) }).toString();
    expect(body.length).toBeGreaterThan(200_000);
    const res = await postAcs(kit.connection.slug, body);
    expect(await res.text()).toContain("SAML_MISSING_EMAIL");
    expect(await largestDetail()).toBeLessThanOrEqual(SSO_EVENT_DETAIL_MAX_BYTES);
  });

  it("a validly signed response with ~80 KB of attribute values (sign-in and test mode) stores a bounded event", async () => {
    const groups = Array.from({ length: 700 }, (_, i) => `group-${i}-${"x".repeat(90)}`);
    const signIn = await postAcs(
      kit.connection.slug,
      new URLSearchParams({ SAMLResponse: kit.respond({ attributes: { groups } }) }).toString(),
    );
    expect(signIn.status).toBe(303);
    const { requestId, relayState } = await kit.login({ test: true, userId: kit.owner.id });
    const test = await postAcs(
      kit.connection.slug,
      new URLSearchParams({
        SAMLResponse: kit.respond({ inResponseTo: requestId, attributes: { groups, firstName: ["A".repeat(10_000)] } }),
        RelayState: relayState,
      }).toString(),
    );
    expect(test.status).toBe(303);
    expect(await largestDetail()).toBeLessThanOrEqual(SSO_EVENT_DETAIL_MAX_BYTES);
  });

  it("bounding keeps small details as they are and says what it cut", () => {
    const small = { code: "X", expected: "a", actual: "b", list: [1, 2, 3] };
    expect(boundEventDetail(small)).toEqual(small);
    const cut = boundEventDetail({ s: "y".repeat(10_000), list: Array.from({ length: 500 }, (_, i) => i) });
    expect(JSON.stringify(cut).length).toBeLessThanOrEqual(SSO_EVENT_DETAIL_MAX_BYTES);
    expect(JSON.stringify(cut)).toContain("(10000 characters)");
    expect(JSON.stringify(cut)).toContain("(500 items)");
  });
});

describe("rate limits on the unauthenticated SAML endpoints", () => {
  it("one IP flooding the SP-initiated login gets 429 with Retry-After (no AuthnRequest, no signature) once over its limit", async () => {
    const limit = SSO_RATE_LIMITS.login.perIp.limit;
    const ip = "203.0.113.77";
    const get = () =>
      loginRoute.GET(
        new Request(`${TEST_APP_URL}/auth/sso/saml/${kit.connection.slug}/login`, { headers: { [REMOTE_ADDR_HEADER]: ip } }),
        params(kit.connection.slug),
      );
    const statuses: number[] = [];
    for (let i = 0; i < limit + 2; i++) statuses.push((await get()).status);
    expect(statuses.slice(0, limit).every((s) => s === 302)).toBe(true);
    const limited = await get();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await limited.text()).toContain("RATE_LIMITED");
    // The flood did not use up the connection's budget: requests over the IP's own limit are not counted against it.
    const [counter] = await t.db
      .select()
      .from(rateLimits)
      .where(eq(rateLimits.key, `sso:login:connection:${kit.connection.id}`));
    expect(counter?.count).toBe(limit);
    // Another IP is not affected.
    const other = await loginRoute.GET(
      new Request(`${TEST_APP_URL}/auth/sso/saml/${kit.connection.slug}/login`, { headers: { [REMOTE_ADDR_HEADER]: "203.0.113.78" } }),
      params(kit.connection.slug),
    );
    expect(other.status).toBe(302);
  });

  it("one IPv6 /64 counts as one client at the ACS; an over-limit POST is refused before it is read or recorded", async () => {
    const limit = SSO_RATE_LIMITS.acs.perIp.limit;
    for (let i = 0; i < limit; i++) {
      const ok = await postAcs(kit.connection.slug, "SAMLResponse=AAAA", `2001:db8:1:2::${(i + 1).toString(16)}`);
      expect(ok.status).not.toBe(429);
    }
    // (Unsigned garbage is stored only up to its own budget, issue 15 item 6; the count is what matters here.)
    const before = (await t.db.select({ n: sql<number>`count(*)::int` }).from(ssoEvents))[0]!.n;
    const res = await postAcs(kit.connection.slug, "SAMLResponse=AAAA", "2001:db8:1:2:ffff::1");
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBeTruthy();
    const after = (await t.db.select({ n: sql<number>`count(*)::int` }).from(ssoEvents))[0]!.n;
    expect(Number(after) - Number(before)).toBe(0); // the refused POST wrote no event
  });

  it("a slug that names no connection is counted per IP only (random slugs make no rows)", async () => {
    const keys = async () => new Set((await t.db.select({ key: rateLimits.key }).from(rateLimits)).map((r) => r.key));
    const before = await keys();
    for (const slug of ["no-such-connection", "another-one", "x".repeat(80), "Bad Slug"]) {
      expect((await postAcs(slug, "SAMLResponse=AAAA", "192.0.2.201")).status).toBe(404);
    }
    const added = [...(await keys())].filter((k) => !before.has(k));
    // The IP's counter, and the one shared budget for events of unknown connections: nothing per slug.
    expect(added.sort()).toEqual(["acs:unsigned:unknown-connection", "sso:acs:ip:192.0.2.201"].filter((k) => !before.has(k)).sort());
  });

  it("many IPs together are held by the per-connection limit", async () => {
    const k = await makeSamlKit(t.db);
    const limit = SSO_RATE_LIMITS.acs.perConnection.limit;
    // Fill the connection's window directly (as `limit` requests from different addresses would).
    const { hitRateLimit } = await import("@/lib/services/rate-limit");
    for (let i = 0; i < limit; i++) await hitRateLimit(t.db, `sso:acs:connection:${k.connection.id}`, SSO_RATE_LIMITS.acs.perConnection);
    const res = await postAcs(k.connection.slug, "SAMLResponse=AAAA", "192.0.2.200");
    expect(res.status).toBe(429);
  });
});

describe("discovery body cap", () => {
  it("a JSON body over 4 KB is refused with 413 before it is parsed", async () => {
    const res = await discoverRoute.POST(
      new Request(`${TEST_APP_URL}/auth/sso/discover`, {
        method: "POST",
        headers: { "content-type": "application/json", [REMOTE_ADDR_HEADER]: "192.0.2.9" },
        body: JSON.stringify({ email: "a@b.test", pad: "p".repeat(1024 * 1024) }),
      }),
    );
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe("PAYLOAD_TOO_LARGE");
  });
});
