/**
 * Attack catalogue, part 2: replay across two app instances, test-mode abuse, discovery enumeration
 * and throttling, the REST API across workspaces, and cookie/header hygiene. Real handlers, real DB.
 */
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgres, type DbHandle } from "@/db";
import { domains, memberships } from "@/db/schema";
import { resetEnvForTests } from "@/lib/env";
import { useDbForTests } from "@/server/bootstrap";
import { REMOTE_ADDR_HEADER } from "@/lib/http/client-ip";
import { makeSamlKit, TEST_APP_URL, type SamlKit } from "@/lib/testing/saml-kit";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { createApiKey, revokeApiKey } from "@/lib/services/api-keys";
import { addDomain, routeDomain } from "@/lib/services/domains";
import { findConnectionBySlug, updateConnection } from "@/lib/services/connections";
import { DISCOVERY_RATE_LIMIT } from "@/lib/services/discovery";
import { redeemLoginTicket } from "@/lib/services/login-tickets";
import { consumeSamlResponse, failureOf, type AcsOutcome } from "@/lib/services/saml-acs";
import { startSamlLogin } from "@/lib/services/saml-login";
import { listSsoEvents } from "@/lib/services/sso-events";
import { findUserByEmail } from "@/lib/services/users";
import * as discoverRoute from "@/app/auth/sso/discover/route";
import * as completeRoute from "@/app/auth/sso/complete/route";
import * as connectionsRoute from "@/app/api/v1/connections/route";
import * as connectionRoute from "@/app/api/v1/connections/[id]/route";
import * as spKeysRoute from "@/app/api/v1/connections/[id]/sp-keys/route";
import * as roleMappingsRoute from "@/app/api/v1/connections/[id]/role-mappings/route";
import * as refreshRoute from "@/app/api/v1/connections/[id]/metadata/refresh/route";
import * as domainRoute from "@/app/api/v1/domains/[id]/route";
import * as memberRoute from "@/app/api/v1/members/[id]/route";
import * as eventRoute from "@/app/api/v1/sso-events/[id]/route";
import { memberActor, OPERATOR } from "@/lib/services/actor";
import { ssoTicketCookieName } from "@/lib/http/sso-cookies";
import { TestBrowser } from "@/lib/testing/test-browser";

let t: TestDb;
let a: SamlKit;
let b: SamlKit;
let keyA: string;
let keyB: string;
beforeAll(async () => {
  t = await createTestDb();
  useDbForTests(t.db);
  a = await makeSamlKit(t.db);
  b = await makeSamlKit(t.db);
  keyA = (await createApiKey(t.db, a.workspace.id, { name: "attacker" }, memberActor(a.owner.id, "owner"))).secret;
  keyB = (await createApiKey(t.db, b.workspace.id, { name: "victim" }, memberActor(b.owner.id, "owner"))).secret;
});
afterAll(async () => {
  await t?.close();
});

const acs = (k: SamlKit, samlResponse: string, o: { relayState?: string | null; db?: TestDb["db"] } = {}) =>
  consumeSamlResponse(o.db ?? t.db, { slug: k.connection.slug, samlResponse, relayState: o.relayState ?? null, appUrl: TEST_APP_URL });

describe("replay across two app instances", () => {
  let second: DbHandle | null = null;
  beforeAll(async () => {
    if (t.url) second = await openPostgres(t.url, { max: 10 });
  });
  afterAll(async () => {
    await second?.close();
  });

  it("20 concurrent POSTs of one response, split over two instances: exactly one sign-in", async () => {
    const dbs = [t.db, second?.db ?? t.db];
    const response = a.respond();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => acs(a, response, { db: dbs[i % 2] })));
    expect(results.filter((r) => !failureOf(r))).toHaveLength(1);
    expect(results.map(failureOf).filter(Boolean)).toEqual(Array(19).fill("SAML_REPLAY"));
  });

  it("one AuthnRequest answered by 10 different assertions at once on two instances: exactly one sign-in", async () => {
    const dbs = [t.db, second?.db ?? t.db];
    const { requestId } = await a.login();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => acs(a, a.respond({ inResponseTo: requestId }), { db: dbs[i % 2] })),
    );
    expect(results.filter((r) => !failureOf(r))).toHaveLength(1);
    expect(new Set(results.map(failureOf).filter(Boolean))).toEqual(new Set(["SAML_IN_RESPONSE_TO_INVALID"]));
  });
});

describe("test-mode abuse", () => {
  it("a member who is not an admin, another workspace's owner, or nobody cannot start a test sign-in (404)", async () => {
    const signedIn = await acs(a, a.respond());
    expect(failureOf(signedIn)).toBeNull();
    const member = signedIn.kind === "redirect" ? signedIn.userId! : "";
    for (const userId of [member, b.owner.id, null]) {
      await expect(
        startSamlLogin(t.db, { slug: a.connection.slug, test: true, userId, browserNonce: "n".repeat(43), appUrl: TEST_APP_URL }),
      ).rejects.toMatchObject({
        code: "SAML_NOT_FOUND",
      });
    }
  });

  it("a response to a test-mode request never signs anyone in, whatever RelayState is posted with it", async () => {
    const { requestId } = await a.login({ test: true, userId: a.owner.id });
    const email = `test-only-${randomBytes(3).toString("hex")}@corp.test`;
    const r = await acs(a, a.respond({ inResponseTo: requestId, email }), { relayState: "/w/elsewhere" });
    expect(r).toMatchObject({ kind: "page", error: { code: "SAML_IN_RESPONSE_TO_INVALID" } });
    expect(await findUserByEmail(t.db, email)).toBeUndefined();
  });

  it("a sign-in response posted with a test request's RelayState is shown as a test, never signs in", async () => {
    const { relayState } = await a.login({ test: true, userId: a.owner.id });
    const email = `test-relay-${randomBytes(3).toString("hex")}@corp.test`;
    const r = await acs(a, a.respond({ email }), { relayState });
    expect(r).toMatchObject({ kind: "redirect", mode: "test", errorCode: "SAML_IN_RESPONSE_TO_INVALID", userId: null });
    expect(await findUserByEmail(t.db, email)).toBeUndefined();
  });

  it("a test-mode RelayState does not open an inactive connection to a real sign-in", async () => {
    const k = await makeSamlKit(t.db);
    const { relayState } = await k.login({ test: true, userId: k.owner.id });
    const found = await findConnectionBySlug(t.db, k.connection.slug);
    await updateConnection(t.db, k.workspace.id, k.connection.id, { version: found!.connection.version, active: false }, OPERATOR);
    const email = `inactive-${randomBytes(3).toString("hex")}@corp.test`;
    const r = await acs(k, k.respond({ email }), { relayState });
    // Only a test result page (the response does not answer that test request): no sign-in, nobody provisioned.
    expect(r).toMatchObject({ kind: "redirect", mode: "test", errorCode: "SAML_IN_RESPONSE_TO_INVALID", userId: null });
    expect(await findUserByEmail(t.db, email)).toBeUndefined();
  });
});

describe("discovery", () => {
  const discover = (email: unknown, headers: Record<string, string> = {}) =>
    discoverRoute.POST(
      new Request(`${TEST_APP_URL}/auth/sso/discover`, {
        method: "POST",
        headers: { "content-type": "application/json", [REMOTE_ADDR_HEADER]: `198.51.100.${Math.floor(Math.random() * 250)}`, ...headers },
        body: JSON.stringify({ email }),
      }),
    );
  const snapshot = async (res: Response) => ({
    status: res.status,
    body: await res.text(),
    headers: [...res.headers.entries()].filter(([k]) => k !== "date"),
  });

  it("unknown, pending, unrouted and inactive-connection domains answer byte-for-byte the same", async () => {
    const mk = async (status: "pending" | "verified", route: boolean) => {
      const name = `enum-${randomBytes(3).toString("hex")}.example.org`;
      const d = await addDomain(t.db, b.workspace.id, name, {});
      await t.db.update(domains).set({ status }).where(eq(domains.id, d.id));
      if (route)
        await routeDomain(t.db, b.workspace.id, d.id, b.connection.id, {}).catch(() =>
          t.db.update(domains).set({ connectionId: b.connection.id }).where(eq(domains.id, d.id)),
        );
      return name;
    };
    const inactive = await makeSamlKit(t.db);
    const inactiveDomain = `inactive-${randomBytes(3).toString("hex")}.example.org`;
    const d = await addDomain(t.db, inactive.workspace.id, inactiveDomain, {});
    await t.db.update(domains).set({ status: "verified", connectionId: inactive.connection.id }).where(eq(domains.id, d.id));
    const found = await findConnectionBySlug(t.db, inactive.connection.slug);
    await updateConnection(
      t.db,
      inactive.workspace.id,
      inactive.connection.id,
      { version: found!.connection.version, active: false },
      OPERATOR,
    );
    const cases = [
      `x@never-${randomBytes(3).toString("hex")}.example.org`,
      `x@${await mk("pending", true)}`,
      `x@${await mk("verified", false)}`,
      `x@${inactiveDomain}`,
      "x@",
      "x@localhost",
    ];
    const snaps = [];
    for (const email of cases) snaps.push(await snapshot(await discover(email)));
    for (const s of snaps.slice(1)) expect(s).toEqual(snaps[0]);
    expect(snaps[0]!.status).toBe(404);
    const routed = await discover(`x@${await mk("verified", true)}`);
    expect(routed.status).toBe(200);
  });

  it("rate limit per socket address: X-Forwarded-For does not open new buckets when TRUST_PROXY is off", async () => {
    const ip = `203.0.113.${Math.floor(Math.random() * 250)}`;
    let last: Response | null = null;
    for (let i = 0; i <= DISCOVERY_RATE_LIMIT.limit; i++) {
      last = await discover(`x@spoof-${i}.example.org`, {
        [REMOTE_ADDR_HEADER]: ip,
        "x-forwarded-for": `10.0.${i}.1`,
        "x-real-ip": `10.1.${i}.1`,
      });
    }
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await last!.json()) as { error: { code: string } }).error.code).toBe("RATE_LIMITED");
  });
});

describe("REST API across workspaces", () => {
  const call = (
    handler: (req: Request, ctx?: { params: Promise<Record<string, string>> }) => Promise<Response>,
    method: string,
    id: string,
    body?: unknown,
    key = keyA,
    headers: Record<string, string> = {},
  ) =>
    handler(
      new Request(`${TEST_APP_URL}/api/v1/x/${id}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      }),
      { params: Promise.resolve({ id }) },
    );
  const errorCode = async (res: Response) => ((await res.json()) as { error?: { code: string } }).error?.code ?? "OK";

  it("every resource of another workspace is 404 NOT_FOUND (read, write, delete, sub-resources)", async () => {
    const domain = await addDomain(t.db, b.workspace.id, `victim-${randomBytes(3).toString("hex")}.example.org`, {});
    const [member] = await t.db.select().from(memberships).where(eq(memberships.workspaceId, b.workspace.id));
    const ev = (await acs(b, "garbage")) as { eventId: string };
    const rows: [string, () => Promise<Response>][] = [
      ["GET connection", () => call(connectionRoute.GET, "GET", b.connection.id)],
      ["PATCH connection", () => call(connectionRoute.PATCH, "PATCH", b.connection.id, { version: 1, name: "pwned" })],
      ["DELETE connection", () => call(connectionRoute.DELETE, "DELETE", b.connection.id)],
      ["GET sp-keys", () => call(spKeysRoute.GET, "GET", b.connection.id)],
      ["POST sp-keys stage", () => call(spKeysRoute.POST, "POST", b.connection.id, { action: "stage" })],
      ["GET role-mappings", () => call(roleMappingsRoute.GET, "GET", b.connection.id)],
      ["PUT role-mappings", () => call(roleMappingsRoute.PUT, "PUT", b.connection.id, { rules: [] })],
      ["POST metadata refresh", () => call(refreshRoute.POST, "POST", b.connection.id)],
      ["GET domain", () => call(domainRoute.GET, "GET", domain.id)],
      ["DELETE domain", () => call(domainRoute.DELETE, "DELETE", domain.id)],
      ["PATCH member", () => call(memberRoute.PATCH, "PATCH", member!.id, { disabled: true })],
      ["DELETE member", () => call(memberRoute.DELETE, "DELETE", member!.id)],
      ["GET sso-event", () => call(eventRoute.GET, "GET", ev.eventId)],
      ["GET connection by non-UUID id", () => call(connectionRoute.GET, "GET", "../../etc/passwd")],
      ["GET connection by SQL-ish id", () => call(connectionRoute.GET, "GET", "' or '1'='1")],
    ];
    for (const [name, run] of rows) {
      const res = await run();
      expect({ name, status: res.status, code: await errorCode(res) }).toEqual({ name, status: 404, code: "NOT_FOUND" });
    }
    // Nothing of B's changed.
    const still = await findConnectionBySlug(t.db, b.connection.slug);
    expect(still?.connection.name).toBe(b.connection.name);
  });

  it("missing, malformed, foreign-looking and revoked keys → 401 INVALID_API_KEY", async () => {
    const revoked = await createApiKey(t.db, a.workspace.id, { name: "to revoke" }, OPERATOR);
    expect((await call(connectionsRoute.GET, "GET", "", undefined, revoked.secret)).status).toBe(200);
    await revokeApiKey(t.db, a.workspace.id, revoked.apiKey.id, {});
    for (const key of [revoked.secret, "", "gh_live_", `gh_live_${"A".repeat(43)}`, keyA.slice(0, -1), `${keyA} ${keyA}`]) {
      const res = await call(connectionsRoute.GET, "GET", "", undefined, key);
      expect({ key: key.slice(0, 12), status: res.status, code: await errorCode(res) }).toEqual({
        key: key.slice(0, 12),
        status: 401,
        code: "INVALID_API_KEY",
      });
    }
    const basic = await connectionsRoute.GET(
      new Request(`${TEST_APP_URL}/api/v1/connections?api_key=${keyA}`, {
        headers: { authorization: `Basic ${Buffer.from(`x:${keyA}`).toString("base64")}` },
      }),
    );
    expect(basic.status).toBe(401);
  });

  it("no private key, key hash or API key secret in any connection / sp-key response", async () => {
    const texts = await Promise.all([
      call(connectionsRoute.GET, "GET", "", undefined, keyB).then((r) => r.text()),
      call(connectionRoute.GET, "GET", b.connection.id, undefined, keyB).then((r) => r.text()),
      call(spKeysRoute.GET, "GET", b.connection.id, undefined, keyB).then((r) => r.text()),
      call(spKeysRoute.POST, "POST", b.connection.id, { action: "stage" }, keyB).then((r) => r.text()),
    ]);
    for (const text of texts) {
      // "encrypted" anywhere but the setting's own name (require_encrypted_assertions, a boolean).
      expect(text.replaceAll('"require_encrypted_assertions":', '"require_e_assertions":')).not.toMatch(
        /PRIVATE KEY|private_?key|key_?hash|gh_live_|encrypted/i,
      );
    }
  });

  it("Idempotency-Key: same request replays the first result; a different body is 422; another key is independent", async () => {
    const slug = `idem-${randomBytes(3).toString("hex")}`;
    const body = { name: "Idem", slug };
    const headers = { "idempotency-key": `k-${slug}` };
    const first = await call(connectionsRoute.POST, "POST", "", body, keyA, headers);
    const firstJson = (await first.json()) as { data: { id: string } };
    expect(first.status).toBe(201);
    const again = await call(connectionsRoute.POST, "POST", "", body, keyA, headers);
    expect(again.status).toBe(201);
    expect(((await again.json()) as { data: { id: string } }).data.id).toBe(firstJson.data.id);
    const changed = await call(connectionsRoute.POST, "POST", "", { ...body, name: "Other" }, keyA, headers);
    expect({ status: changed.status, code: await errorCode(changed) }).toEqual({ status: 422, code: "IDEMPOTENCY_KEY_REUSED" });
    // The same key value under workspace B's API key does not see A's stored result.
    const foreign = await call(connectionsRoute.POST, "POST", "", body, keyB, headers);
    expect({ status: foreign.status, code: await errorCode(foreign) }).toEqual({ status: 409, code: "SLUG_TAKEN" });
  });

  it("hostile bodies: broken JSON → 400, prototype pollution keys and unknown fields do not leak into the record, no stack traces", async () => {
    const broken = await connectionsRoute.POST(
      new Request(`${TEST_APP_URL}/api/v1/connections`, {
        method: "POST",
        headers: { authorization: `Bearer ${keyA}`, "content-type": "application/json" },
        body: "{",
      }),
    );
    expect({ status: broken.status, code: await errorCode(broken) }).toEqual({ status: 400, code: "BAD_REQUEST" });
    const slug = `proto-${randomBytes(3).toString("hex")}`;
    const res = await connectionsRoute.POST(
      new Request(`${TEST_APP_URL}/api/v1/connections`, {
        method: "POST",
        headers: { authorization: `Bearer ${keyA}`, "content-type": "application/json" },
        body: `{"name":"P","slug":"${slug}","__proto__":{"workspaceId":"${b.workspace.id}","isAdmin":true},"workspace_id":"${b.workspace.id}"}`,
      }),
    );
    const text = await res.text();
    expect(text).not.toMatch(/at .*\.ts:\d+|node_modules|stack/);
    if (res.status === 201) {
      const created = await findConnectionBySlug(t.db, slug);
      expect(created?.connection.workspaceId).toBe(a.workspace.id);
    } else {
      expect(res.status).toBe(422);
    }
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });
});

describe("cookies", () => {
  it("the session cookie is Secure with the __Secure- prefix when APP_URL is https", async () => {
    const before = process.env.APP_URL;
    process.env.APP_URL = "https://gatehouse.example";
    resetEnvForTests();
    try {
      const r = await acs(a, a.respond());
      expect(failureOf(r)).toBeNull();
      const browser = new TestBrowser().set(ssoTicketCookieName(), r.kind === "redirect" ? r.browserBinding! : "");
      expect(ssoTicketCookieName()).toBe("__Host-gh_sso_ticket");
      const res = await completeRoute.GET(browser.request(`https://gatehouse.example${r.kind === "redirect" ? r.location : ""}`));
      const cookie = res.headers.get("set-cookie")!;
      expect(cookie).toMatch(/^__Secure-next-auth\.session-token=/);
      expect(cookie).toMatch(/;\s*Secure/i);
      expect(cookie).toMatch(/;\s*HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Lax/i);
      expect(res.headers.get("location")).toMatch(/^https:\/\/gatehouse\.example\//);
    } finally {
      process.env.APP_URL = before;
      resetEnvForTests();
    }
  });

  it("ticket redemption records nothing reusable: a redeemed ticket leaves no event detail with the ticket", async () => {
    const r: AcsOutcome = await acs(a, a.respond());
    const ticket = r.kind === "redirect" ? new URL(r.location, TEST_APP_URL).searchParams.get("ticket")! : "";
    await redeemLoginTicket(t.db, ticket, { browserBinding: r.kind === "redirect" ? r.browserBinding : null, loginNonce: null });
    const { items } = await listSsoEvents(t.db, a.workspace.id, { connectionId: a.connection.id });
    expect(JSON.stringify(items)).not.toContain(ticket);
  });
});

describe("built-in IdP pages", () => {
  it("its HTML answers carry a strict CSP and escape what the attacker sent", async () => {
    const { GET: devSso } = await import("@/app/dev/idp/sso/route");
    const { POST: devRespond } = await import("@/app/dev/idp/respond/route");
    const bad = await devSso(new Request(`${TEST_APP_URL}/dev/idp/sso?SAMLRequest=%3Cscript%3E&RelayState=x`));
    expect(bad.status).toBeGreaterThanOrEqual(400);
    expect(bad.headers.get("content-security-policy")).toMatch(/default-src 'none'/);
    expect(await bad.text()).not.toContain("<script>");
    const posted = await devRespond(
      new Request(`${TEST_APP_URL}/dev/idp/respond`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ slug: `<img src=x onerror=alert(1)>`, email: "x@y.test" }).toString(),
      }),
    );
    expect(posted.status).toBe(404);
    expect(posted.headers.get("content-security-policy")).toMatch(/default-src 'none'/);
    expect(await posted.text()).not.toContain("<img src=x");
  });
});
