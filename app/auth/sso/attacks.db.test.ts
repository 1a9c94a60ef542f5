/**
 * Attack catalogue against the real SAML route handlers (ACS, login, complete) on the real database:
 * one row per hostile request, asserting the HTTP status and the stable error code.
 */
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { decode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { domains, users } from "@/db/schema";
import * as attacks from "@/lib/dev-idp/attacks";
import { env } from "@/lib/env";
import { connectionCreateSchema, safeRelativePath } from "@/lib/schemas/connections";
import { useDbForTests } from "@/server/bootstrap";
import { makeSamlKit, TEST_APP_URL, type SamlKit } from "@/lib/testing/saml-kit";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { TestBrowser } from "@/lib/testing/test-browser";
import { ssoTicketCookieName } from "@/lib/http/sso-cookies";
import { createConnection, type Connection } from "@/lib/services/connections";
import { addDomain } from "@/lib/services/domains";
import { redeemLoginTicket } from "@/lib/services/login-tickets";
import { spValues } from "@/lib/services/sp-values";
import { createWorkspace } from "@/lib/services/workspaces";
import * as loginRoute from "@/app/auth/sso/saml/[slug]/login/route";
import * as acsRoute from "@/app/auth/sso/saml/[slug]/acs/route";
import * as completeRoute from "@/app/auth/sso/complete/route";
import { OPERATOR } from "@/lib/services/actor";

let t: TestDb;
/** A: a workspace and connection trusting a dev IdP. B: another workspace whose connection trusts the SAME IdP (entity ID + cert). */
let a: SamlKit;
let b: Connection;
beforeAll(async () => {
  t = await createTestDb();
  useDbForTests(t.db);
  a = await makeSamlKit(t.db);
  const id = randomBytes(4).toString("hex");
  const ws = await createWorkspace(t.db, {
    slug: `tenant-b-${id}`,
    name: "Tenant B",
    ownerEmail: `owner@b-${id}.test`,
    ownerPassword: "correct horse battery",
  });
  b = await createConnection(
    t.db,
    ws.workspace.id,
    connectionCreateSchema.parse({
      name: "Same IdP",
      slug: `b-${id}`,
      metadataXml: a.idp.metadataXml(`https://idp-shared.test/sso`),
      allowIdpInitiated: true,
    }),
    OPERATOR,
  );
});
afterAll(async () => {
  await t?.close();
});

const params = (slug: string) => ({ params: Promise.resolve({ slug }) });
const acsUrl = (slug: string) => `${TEST_APP_URL}/auth/sso/saml/${slug}/acs`;
const formInit = (body: BodyInit, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
  body,
});
const postRaw = (slug: string, init: RequestInit, browser = new TestBrowser()) =>
  acsRoute.POST(browser.request(acsUrl(slug), init), params(slug)).then((r) => browser.take(r));
const postAcs = (slug: string, fields: Record<string, string> | [string, string][], browser?: TestBrowser) =>
  postRaw(slug, formInit(new URLSearchParams(fields).toString()), browser);
const codeOf = async (res: Response) =>
  /<span class="code">([A-Z_]+)<\/span>/.exec(await res.text())?.[1] ?? (res.status === 303 ? "OK" : "?");
const email = () => `u-${randomBytes(4).toString("hex")}@corp-attacks.test`;

type Row = { name: string; run: () => Promise<Response>; status: number; code: string };

const acsRows: Row[] = [
  // ── envelope ───────────────────────────────────────────────────────────────
  { name: "no SAMLResponse field", run: () => postAcs(a.connection.slug, { RelayState: "x" }), status: 400, code: "SAML_MALFORMED" },
  { name: "empty SAMLResponse", run: () => postAcs(a.connection.slug, { SAMLResponse: "" }), status: 400, code: "SAML_MALFORMED" },
  { name: "not base64", run: () => postAcs(a.connection.slug, { SAMLResponse: "<samlp:Response/>" }), status: 400, code: "SAML_MALFORMED" },
  {
    name: "base64 of non-XML",
    run: () => postAcs(a.connection.slug, { SAMLResponse: Buffer.from("hello").toString("base64") }),
    status: 400,
    code: "SAML_MALFORMED",
  },
  {
    name: "wrong content type (JSON)",
    run: () =>
      postRaw(a.connection.slug, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ SAMLResponse: a.respond() }),
      }),
    status: 400,
    code: "SAML_MALFORMED",
  },
  {
    name: "wrong content type (multipart)",
    run: () => {
      const fd = new FormData();
      fd.set("SAMLResponse", a.respond());
      return postRaw(a.connection.slug, { method: "POST", body: fd });
    },
    status: 400,
    code: "SAML_MALFORMED",
  },
  {
    name: "duplicated SAMLResponse fields (forged first, valid second)",
    run: async () => {
      const valid = a.respond();
      const forged = attacks.replaceInXml(valid, /@corp-[a-z0-9]+\.test/, "@victim.test");
      return postAcs(a.connection.slug, [
        ["SAMLResponse", forged],
        ["SAMLResponse", valid],
      ]);
    },
    status: 400,
    code: "SAML_MALFORMED",
  },
  {
    name: "duplicated SAMLResponse fields (valid first, forged second)",
    run: async () => {
      const valid = a.respond();
      return postAcs(a.connection.slug, [
        ["SAMLResponse", valid],
        ["SAMLResponse", a.respond()],
      ]);
    },
    status: 400,
    code: "SAML_MALFORMED",
  },
  {
    name: "duplicated RelayState fields",
    run: async () => {
      const { requestId, relayState } = await a.login();
      return postAcs(a.connection.slug, [
        ["SAMLResponse", a.respond({ inResponseTo: requestId })],
        ["RelayState", relayState],
        ["RelayState", "//evil.test"],
      ]);
    },
    status: 400,
    code: "SAML_MALFORMED",
  },
  {
    name: "oversized body streamed in chunks without Content-Length → 413 before parsing",
    run: () => {
      const chunk = new TextEncoder().encode("SAMLResponse=" + "A".repeat(64 * 1024));
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(c) {
          if (sent++ < 16) c.enqueue(chunk);
          else c.close();
        },
      });
      return postRaw(a.connection.slug, { ...formInit(body), duplex: "half" } as RequestInit);
    },
    status: 413,
    code: "SAML_BODY_TOO_LARGE",
  },
  {
    name: "declared Content-Length over the cap → 413",
    run: () => postRaw(a.connection.slug, formInit("SAMLResponse=AAAA", { "content-length": String(10 * 1024 * 1024) })),
    status: 413,
    code: "SAML_BODY_TOO_LARGE",
  },
  // ── XML attacks through the route ──────────────────────────────────────────
  {
    name: "XXE: DOCTYPE with external entity",
    run: () => postAcs(a.connection.slug, { SAMLResponse: attacks.addDoctype(a.respond(), true) }),
    status: 400,
    code: "SAML_DOCTYPE_FORBIDDEN",
  },
  {
    name: "billion laughs",
    run: () => {
      const lol = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&lol3;</samlp:Response>`;
      return postAcs(a.connection.slug, { SAMLResponse: Buffer.from(lol).toString("base64") });
    },
    status: 400,
    code: "SAML_DOCTYPE_FORBIDDEN",
  },
  {
    name: "deeply nested elements (25k levels, under the cap)",
    run: () => {
      const xml = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r" Version="2.0"><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>${"<a>".repeat(25_000)}${"</a>".repeat(25_000)}</samlp:Response>`;
      return postAcs(a.connection.slug, { SAMLResponse: Buffer.from(xml).toString("base64") });
    },
    status: 400,
    code: "SAML_MALFORMED",
  },
  {
    name: "XSW: forged assertion before the signed one",
    run: () => postAcs(a.connection.slug, { SAMLResponse: attacks.wrapWithForgedAssertion(a.respond(), "before") }),
    status: 400,
    code: "SAML_MULTIPLE_ASSERTIONS",
  },
  {
    name: "XSW: forged assertion after the signed one",
    run: () => postAcs(a.connection.slug, { SAMLResponse: attacks.wrapWithForgedAssertion(a.respond(), "after") }),
    status: 400,
    code: "SAML_MULTIPLE_ASSERTIONS",
  },
  {
    name: "XSW: forged assertion around the signed one",
    run: () => postAcs(a.connection.slug, { SAMLResponse: attacks.wrapWithForgedAssertion(a.respond(), "around") }),
    status: 400,
    code: "SAML_MULTIPLE_ASSERTIONS",
  },
  {
    name: "XSW: signed assertion in Advice",
    run: () => postAcs(a.connection.slug, { SAMLResponse: attacks.wrapWithForgedAssertion(a.respond(), "advice") }),
    status: 400,
    code: "SAML_MULTIPLE_ASSERTIONS",
  },
  {
    name: "XSW: signed assertion in Extensions, forged in place",
    run: () => postAcs(a.connection.slug, { SAMLResponse: attacks.moveSignedIntoExtensions(a.respond(), true) }),
    status: 400,
    code: "SAML_MULTIPLE_ASSERTIONS",
  },
  {
    name: "XSW: signed assertion in Extensions alone",
    run: () => postAcs(a.connection.slug, { SAMLResponse: attacks.moveSignedIntoExtensionsAlone(a.respond()) }),
    status: 400,
    code: "SAML_NO_ASSERTION",
  },
  {
    name: "XSW: response signed, forged assertion before",
    run: () => postAcs(a.connection.slug, { SAMLResponse: attacks.wrapWithForgedAssertion(a.respond({ sign: "response" }), "before") }),
    status: 400,
    code: "SAML_MULTIPLE_ASSERTIONS",
  },
  {
    name: "signatures stripped",
    run: () => postAcs(a.connection.slug, { SAMLResponse: attacks.stripSignatures(a.respond({ sign: "both" })) }),
    status: 401,
    code: "SAML_SIGNATURE_MISSING",
  },
  {
    name: "NameID edited after signing",
    run: () => postAcs(a.connection.slug, { SAMLResponse: attacks.replaceInXml(a.respond(), /@corp-[a-z0-9]+\.test/, "@victim.test") }),
    status: 401,
    code: "SAML_SIGNATURE_INVALID",
  },
  {
    name: "encrypted assertion",
    run: () => postAcs(a.connection.slug, { SAMLResponse: attacks.encryptAssertion(a.respond()) }),
    status: 400,
    code: "SAML_ENCRYPTED_UNSUPPORTED",
  },
  // ── cross-tenant (A and B trust the same IdP entity ID and certificate) ────
  {
    name: "response for A posted to B's ACS",
    run: () => postAcs(b.slug, { SAMLResponse: a.respond() }),
    status: 401,
    code: "SAML_DESTINATION_MISMATCH",
  },
  {
    name: "response for A without Destination posted to B",
    run: () => postAcs(b.slug, { SAMLResponse: a.respond({ omit: ["destination"] }) }),
    status: 401,
    code: "SAML_RECIPIENT_MISMATCH",
  },
  {
    name: "response with B's recipient but A's audience, posted to B",
    run: () => postAcs(b.slug, { SAMLResponse: a.respond({ omit: ["destination"], recipient: spValues(TEST_APP_URL, b.slug).acsUrl }) }),
    status: 401,
    code: "SAML_AUDIENCE_MISMATCH",
  },
  {
    name: "response with B's audience, A's recipient and destination, posted to B",
    run: () => postAcs(b.slug, { SAMLResponse: a.respond({ audience: spValues(TEST_APP_URL, b.slug).entityId }) }),
    status: 401,
    code: "SAML_DESTINATION_MISMATCH",
  },
  {
    name: "A's AuthnRequest answered at B (InResponseTo of another connection)",
    run: async () => {
      const { requestId, relayState } = await a.login();
      const sp = spValues(TEST_APP_URL, b.slug);
      return postAcs(b.slug, {
        SAMLResponse: a.idp.createResponse({ acsUrl: sp.acsUrl, audience: sp.entityId, nameId: email(), inResponseTo: requestId }),
        RelayState: relayState,
      });
    },
    status: 401,
    code: "SAML_IN_RESPONSE_TO_INVALID",
  },
  { name: "unknown slug", run: () => postAcs("no-such-connection", { SAMLResponse: a.respond() }), status: 404, code: "SAML_NOT_FOUND" },
  // ── replay / request reuse ─────────────────────────────────────────────────
  {
    name: "AuthnRequest ID reused by a second response",
    run: async () => {
      const { requestId } = await a.login();
      expect((await postAcs(a.connection.slug, { SAMLResponse: a.respond({ inResponseTo: requestId }) })).status).toBe(303);
      return postAcs(a.connection.slug, { SAMLResponse: a.respond({ inResponseTo: requestId }) });
    },
    status: 401,
    code: "SAML_IN_RESPONSE_TO_INVALID",
  },
  {
    name: "unsigned InResponseTo on the Response only (assertion signed, unsolicited inside)",
    run: async () => {
      const { requestId } = await a.login();
      return postAcs(a.connection.slug, { SAMLResponse: a.respond({ responseInResponseTo: requestId }) });
    },
    status: 401,
    code: "SAML_IN_RESPONSE_TO_INVALID",
  },
];

describe("ACS attack table", () => {
  for (const row of acsRows) {
    it(`${row.name} → ${row.status} ${row.code}`, async () => {
      const res = await row.run();
      expect({ status: res.status, code: await codeOf(res) }).toEqual({ status: row.status, code: row.code });
    });
  }
});

describe("open redirects", () => {
  const evil = [
    "//evil.test",
    "/\\evil.test",
    "/%2F%2Fevil.test",
    "https://evil.test",
    "/\t/evil.test",
    "javascript:alert(1)",
    "/.//evil.test",
    "/..//evil.test",
    "/a/..//evil.test",
    "/%2e//evil.test",
    "/./\t/evil.test",
    "\\\\evil.test",
  ];

  /** Where the browser ends up after the ticket hand-off. */
  async function finalLocation(acs: Response, browser: TestBrowser): Promise<URL> {
    expect(acs.status).toBe(303);
    const done = await completeRoute.GET(browser.request(`${TEST_APP_URL}${acs.headers.get("location")}`));
    expect(done.status).toBe(303);
    return new URL(done.headers.get("location")!, TEST_APP_URL);
  }

  it("safeRelativePath never yields a path a browser resolves to another origin", () => {
    for (const target of evil) {
      const p = safeRelativePath(target);
      if (p === null) continue;
      expect(p.startsWith("//")).toBe(false);
      expect(new URL(p, TEST_APP_URL).origin).toBe(TEST_APP_URL);
    }
  });

  for (const target of evil) {
    it(`return_to ${JSON.stringify(target)} stays on this origin (SP-initiated)`, async () => {
      const res = await loginRoute.GET(
        new Request(`${TEST_APP_URL}/auth/sso/saml/${a.connection.slug}/login?return_to=${encodeURIComponent(target)}`),
        params(a.connection.slug),
      );
      expect(res.status).toBe(302);
      const browser = new TestBrowser();
      const { requestId, relayState } = await a.login({ returnTo: target, browser });
      const final = await finalLocation(
        await postAcs(a.connection.slug, { SAMLResponse: a.respond({ inResponseTo: requestId }), RelayState: relayState }, browser),
        browser,
      );
      expect(final.origin).toBe(TEST_APP_URL);
      expect(final.pathname.startsWith("//")).toBe(false);
    });

    it(`IdP-initiated RelayState ${JSON.stringify(target)} stays on this origin`, async () => {
      const browser = new TestBrowser();
      const final = await finalLocation(
        await postAcs(a.connection.slug, { SAMLResponse: a.respond(), RelayState: target }, browser),
        browser,
      );
      expect(final.origin).toBe(TEST_APP_URL);
      expect(final.pathname.startsWith("//")).toBe(false);
    });
  }
});

describe("login ticket", () => {
  it("reuse, tampering, garbage and expiry → 400 SAML_LOGIN_TICKET_INVALID", async () => {
    const browser = new TestBrowser();
    const acs = await postAcs(a.connection.slug, { SAMLResponse: a.respond() }, browser);
    const location = acs.headers.get("location")!;
    const ticket = new URL(location, TEST_APP_URL).searchParams.get("ticket")!;
    const binding = browser.cookies.get(ssoTicketCookieName())!;
    const complete = (tk: string) =>
      completeRoute.GET(
        new TestBrowser().set(ssoTicketCookieName(), binding).request(`${TEST_APP_URL}/auth/sso/complete?ticket=${encodeURIComponent(tk)}`),
      );
    const flipped = ticket.slice(0, -1) + (ticket.endsWith("A") ? "B" : "A");
    for (const bad of [flipped, "", "x", "A".repeat(43), "' or 1=1 --".padEnd(30, "x"), "A".repeat(5000)]) {
      const res = await complete(bad);
      expect({ status: res.status, code: await codeOf(res) }).toEqual({ status: 400, code: "SAML_LOGIN_TICKET_INVALID" });
    }
    expect((await complete(ticket)).status).toBe(303);
    const again = await complete(ticket);
    expect({ status: again.status, code: await codeOf(again) }).toEqual({ status: 400, code: "SAML_LOGIN_TICKET_INVALID" });

    const lateBrowser = new TestBrowser();
    const other = await postAcs(a.connection.slug, { SAMLResponse: a.respond() }, lateBrowser);
    const late = new URL(other.headers.get("location")!, TEST_APP_URL).searchParams.get("ticket")!;
    const lateCookie = { browserBinding: lateBrowser.cookies.get(ssoTicketCookieName())!, loginNonce: null };
    await expect(redeemLoginTicket(t.db, late, lateCookie, new Date(Date.now() + 61_000))).rejects.toMatchObject({
      code: "SAML_LOGIN_TICKET_INVALID",
    });
  });
});

describe("error pages", () => {
  it("an attacker-controlled Issuer, slug or detail is escaped, and the page has a strict CSP", async () => {
    const res = await postAcs(a.connection.slug, {
      SAMLResponse: a.respond({ issuer: `<script>alert(1)</script>"><img src=x onerror=alert(2)>` }),
    });
    expect(res.status).toBe(401);
    const html = await res.text();
    expect(html).toContain("SAML_WRONG_ISSUER");
    expect(html).not.toMatch(/<script>alert|<img src=x/);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(res.headers.get("content-security-policy")).toMatch(/default-src 'none'.*script-src 'nonce-/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("cache-control")).toBe("no-store");

    const slug = `<svg onload=alert(1)>`;
    const missing = await postAcs(slug, { SAMLResponse: a.respond() });
    expect(missing.status).toBe(404);
    expect(await missing.text()).not.toContain("<svg");
  });

  it("a connection's private key, certificates or the assertion never appear on a failure page", async () => {
    const res = await postAcs(a.connection.slug, { SAMLResponse: a.respond({ audience: "https://elsewhere.test/sp" }) });
    const html = await res.text();
    expect(html).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE|SignatureValue|<saml|Assertion ID/);
  });
});

describe("account ownership across tenants", () => {
  it("B's IdP cannot sign in an account of a domain A has verified; neither before nor after A's first sign-in", async () => {
    const domain = `owned-${randomBytes(3).toString("hex")}.test`;
    const victim = `victim@${domain}`;
    // B (attacker-controlled IdP, no verified domains) creates the account before A verifies the domain.
    const attacker = await makeSamlKit(t.db);
    const attackerBrowser = new TestBrowser();
    const early = await postAcs(attacker.connection.slug, { SAMLResponse: attacker.respond({ email: victim }) }, attackerBrowser);
    expect(early.status).toBe(303);
    const session = await completeRoute.GET(attackerBrowser.request(`${TEST_APP_URL}${early.headers.get("location")}`));
    const token = await decode({ token: /session-token=([^;]+)/.exec(session.headers.get("set-cookie")!)![1], secret: env().authSecret });
    // A verifies the domain; the real user signs in through A's IdP: the account is linked to A.
    const d = await addDomain(t.db, a.workspace.id, domain, {});
    await t.db.update(domains).set({ status: "verified" }).where(eq(domains.id, d.id));
    expect(await codeOf(await postAcs(a.connection.slug, { SAMLResponse: a.respond({ email: victim }) }))).toBe("OK");
    // The session the attacker made before the link is over (session version bumped by the link).
    const [row] = await t.db.select({ sv: users.sessionVersion }).from(users).where(eq(users.email, victim));
    expect(row!.sv).toBeGreaterThan(token!.sv as number);
    // From now on B's IdP may not sign in that account (it would reach A's workspace).
    const again = await postAcs(attacker.connection.slug, { SAMLResponse: attacker.respond({ email: victim }) });
    expect({ status: again.status, code: await codeOf(again) }).toEqual({ status: 403, code: "SAML_EMAIL_OUTSIDE_DOMAINS" });
    // Nor create a new account in that domain.
    const fresh = await postAcs(attacker.connection.slug, { SAMLResponse: attacker.respond({ email: `new-hire@${domain}` }) });
    expect({ status: fresh.status, code: await codeOf(fresh) }).toEqual({ status: 403, code: "SAML_EMAIL_OUTSIDE_DOMAINS" });
  });
});
