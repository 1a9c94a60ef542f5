/**
 * The ACS and the ticket hand-off as the Node server answers them before Next
 * (server/sso/mount.ts), over real HTTP on loopback: a signed response becomes the 303 hand-off
 * with its browser cookie and the headers proxy.ts gives every response, and the hand-off starts the
 * session in that browser only; failures are the SAML error page; anything else is left to Next.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeSamlKit, TEST_APP_URL, type SamlKit } from "@/lib/testing/saml-kit";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { ACS_MAX_BODY_BYTES } from "@/lib/http/read-form";
import { acsSlugOf, createSsoMount, isSsoComplete } from "./mount";

let t: TestDb;
let kit: SamlKit;
let server: http.Server;
let base: string;

beforeAll(async () => {
  t = await createTestDb();
  kit = await makeSamlKit(t.db, { allowIdpInitiated: true });
  const acs = createSsoMount({ getDb: async () => t.db, appUrl: TEST_APP_URL, https: true });
  server = http.createServer((req, res) => {
    void acs(req, res).then((handled) => {
      if (handled) return;
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("left to next");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => server?.close(() => r()));
  await t?.close();
});

const post = (path: string, body: string, type = "application/x-www-form-urlencoded") =>
  fetch(`${base}${path}`, { method: "POST", headers: { "content-type": type }, body, redirect: "manual" });

describe("ACS served before Next", () => {
  it("a signed response: 303 to the ticket hand-off, the ticket's browser cookie, no-referrer, and the base security headers", async () => {
    const res = await post(`/auth/sso/saml/${kit.connection.slug}/acs`, new URLSearchParams({ SAMLResponse: kit.respond() }).toString());
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toMatch(/^\/auth\/sso\/complete\?ticket=/);
    expect(res.headers.getSetCookie().join("\n")).toMatch(/HttpOnly/i);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("permissions-policy")).toContain("camera=()");
    expect(res.headers.get("strict-transport-security")).toContain("max-age=");
  });

  it("the hand-off: the ticket in its own browser starts the session (303 to the return path); in another browser it does not", async () => {
    const acs = await post(`/auth/sso/saml/${kit.connection.slug}/acs`, new URLSearchParams({ SAMLResponse: kit.respond() }).toString());
    const location = acs.headers.get("location")!;
    const ticketCookie = acs.headers.getSetCookie()[0]!.split(";")[0]!;
    const elsewhere = await fetch(`${base}${location}`, { redirect: "manual" });
    expect(elsewhere.status).toBeGreaterThanOrEqual(400);
    expect(await elsewhere.text()).toContain("SAML_BROWSER_MISMATCH");
    const acs2 = await post(`/auth/sso/saml/${kit.connection.slug}/acs`, new URLSearchParams({ SAMLResponse: kit.respond() }).toString());
    const done = await fetch(`${base}${acs2.headers.get("location")}`, {
      headers: { cookie: acs2.headers.getSetCookie()[0]!.split(";")[0]! },
      redirect: "manual",
    });
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe(`${TEST_APP_URL}/`);
    const cookies = done.headers.getSetCookie();
    expect(cookies.some((c) => /next-auth\.session-token=[^;]+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax/.test(c))).toBe(true);
    expect(cookies.some((c) => c.startsWith(`${ticketCookie.split("=")[0]}=;`) && c.includes("Max-Age=0"))).toBe(true);
    expect(done.headers.get("referrer-policy")).toBe("no-referrer");
    expect(done.headers.get("x-frame-options")).toBe("DENY");
    expect(done.headers.get("connection")).not.toBe("close");
  });

  it("the same response again is a replay: the SAML error page with its own CSP", async () => {
    const samlResponse = kit.respond();
    const body = new URLSearchParams({ SAMLResponse: samlResponse }).toString();
    expect((await post(`/auth/sso/saml/${kit.connection.slug}/acs`, body)).status).toBe(303);
    const again = await post(`/auth/sso/saml/${kit.connection.slug}/acs`, body);
    expect(again.status).toBe(401);
    expect(await again.text()).toContain("SAML_REPLAY");
    expect(again.headers.get("content-security-policy")).toContain("default-src");
    expect(again.headers.get("x-frame-options")).toBe("DENY");
  });

  it("a body over the cap is refused before it is parsed (413), a non-form body is malformed (400)", async () => {
    const big = await post(`/auth/sso/saml/${kit.connection.slug}/acs`, `SAMLResponse=${"A".repeat(ACS_MAX_BODY_BYTES + 10)}`);
    expect(big.status).toBe(413);
    expect(await big.text()).toContain("SAML_BODY_TOO_LARGE");
    // The unread rest of that body is not left on a kept-alive connection for the next request to trip on.
    expect(big.headers.get("connection")).toBe("close");
    const json = await post(`/auth/sso/saml/${kit.connection.slug}/acs`, "{}", "application/json");
    expect(json.status).toBe(400);
    expect(await json.text()).toContain("SAML_MALFORMED");
  });

  it("an unknown slug: the not-found page, as through Next (on the connection after an over-cap body)", async () => {
    const res = await post(`/auth/sso/saml/no-such-slug/acs`, new URLSearchParams({ SAMLResponse: kit.respond() }).toString());
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("SAML_NOT_FOUND");
  });

  it("anything but exactly POST /auth/sso/saml/{slug}/acs is left to Next", async () => {
    expect((await fetch(`${base}/auth/sso/saml/${kit.connection.slug}/acs`)).status).toBe(404);
    expect(await (await post(`/auth/sso/saml/${kit.connection.slug}/acs/extra`, "")).text()).toBe("left to next");
    expect(await (await post(`/auth/sso/saml/a/b/acs`, "")).text()).toBe("left to next");
    expect(acsSlugOf("POST", "/auth/sso/saml/acme/acs?x=1")).toBe("acme");
    expect(acsSlugOf("POST", "/auth/sso/saml/%E0%A4%A/acs")).toBeNull();
    expect(acsSlugOf("GET", "/auth/sso/saml/acme/acs")).toBeNull();
    expect(acsSlugOf("POST", "/auth/sso/saml//acs")).toBeNull();
    const get = (url: string, headers: Record<string, string> = {}) => isSsoComplete({ method: "GET", url, headers });
    expect(get("/auth/sso/complete?ticket=x")).toBe(true);
    expect(get("/auth/sso/complete/x")).toBe(false);
    expect(get("/auth/sso/complete?ticket=x", { rsc: "1" })).toBe(false);
    expect(get("/auth/sso/complete?ticket=x", { "next-router-prefetch": "1" })).toBe(false);
    expect(isSsoComplete({ method: "POST", url: "/auth/sso/complete", headers: {} })).toBe(false);
  });
});
