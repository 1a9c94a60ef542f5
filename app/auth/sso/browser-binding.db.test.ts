/**
 * Login CSRF and ticket forwarding (issue 10, point 3): a sign-in completes only in the browser that
 * posted the SAML response and, when it was started here, the browser that started it. Real routes,
 * real signed SAML, a cookie-keeping test browser per party.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ssoNonceCookieName, ssoTicketCookieName } from "@/lib/http/sso-cookies";
import { useDbForTests } from "@/server/bootstrap";
import { makeSamlKit, TEST_APP_URL, type SamlKit } from "@/lib/testing/saml-kit";
import { TestBrowser } from "@/lib/testing/test-browser";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import * as acsRoute from "@/app/auth/sso/saml/[slug]/acs/route";
import * as loginRoute from "@/app/auth/sso/saml/[slug]/login/route";
import * as completeRoute from "@/app/auth/sso/complete/route";

let t: TestDb;
let kit: SamlKit;
let spOnly: SamlKit;
beforeAll(async () => {
  t = await createTestDb();
  useDbForTests(t.db);
  kit = await makeSamlKit(t.db, { defaultRedirect: "/w/attacker-home" });
  spOnly = await makeSamlKit(t.db, { allowIdpInitiated: false });
});
afterAll(async () => {
  await t?.close();
});

const params = (slug: string) => ({ params: Promise.resolve({ slug }) });
const postAcs = (browser: TestBrowser, k: SamlKit, fields: Record<string, string>) =>
  acsRoute
    .POST(
      browser.request(`${TEST_APP_URL}/auth/sso/saml/${k.connection.slug}/acs`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(fields).toString(),
      }),
      params(k.connection.slug),
    )
    .then((r) => browser.take(r));
const complete = (browser: TestBrowser, location: string) =>
  completeRoute.GET(browser.request(`${TEST_APP_URL}${location}`)).then((r) => browser.take(r));
const codeOf = async (r: Response) => /<span class="code">([A-Z_]+)<\/span>/.exec(await r.text())?.[1];
const hasSession = (r: Response) => r.headers.getSetCookie().some((c) => /session-token=[^;]+/.test(c));

/** The SP-initiated start through the real login route, in `browser`: the request ID and RelayState the IdP sees. */
async function startLogin(browser: TestBrowser, k: SamlKit) {
  const res = browser.take(
    await loginRoute.GET(browser.request(`${TEST_APP_URL}/auth/sso/saml/${k.connection.slug}/login`), params(k.connection.slug)),
  );
  expect(res.status).toBe(302);
  const url = res.headers.get("location")!;
  const parsed = k.idp.parseAuthnRequest({ binding: "redirect", query: url });
  return { requestId: parsed.id, relayState: parsed.relayState ?? "" };
}

describe("login CSRF and ticket forwarding", () => {
  it("a ticket URL carried to another browser starts no session there (SAML_BROWSER_MISMATCH, 'start again')", async () => {
    // The attacker signs in to their own workspace and stops at the ACS redirect...
    const attacker = new TestBrowser();
    const acs = await postAcs(attacker, kit, { SAMLResponse: kit.respond({ email: "attacker@corp.test" }) });
    expect(acs.status).toBe(303);
    // ...and sends /auth/sso/complete?ticket=… to the victim.
    const victim = new TestBrowser();
    const res = await complete(victim, acs.headers.get("location")!);
    expect(res.status).toBe(400);
    expect(await codeOf(res)).toBe("SAML_BROWSER_MISMATCH");
    expect(hasSession(res)).toBe(false);
    expect(victim.cookies.size).toBe(0);
    // The ticket is used up: not even the attacker can redeem it now.
    const again = await complete(attacker, acs.headers.get("location")!);
    expect(await codeOf(again)).toBe("SAML_LOGIN_TICKET_INVALID");
  });

  it("an SP-initiated response carried to another browser (auto-posted there) starts no session: the login nonce is missing", async () => {
    const attacker = new TestBrowser();
    const { requestId, relayState } = await startLogin(attacker, spOnly);
    const response = spOnly.respond({ inResponseTo: requestId, email: "attacker-sp@corp.test" });
    // The victim's browser is made to post the attacker's response (a hidden auto-submitting form).
    const victim = new TestBrowser();
    const acs = await postAcs(victim, spOnly, { SAMLResponse: response, RelayState: relayState });
    expect(acs.status).toBe(303); // the response itself is valid
    expect(victim.cookies.has(ssoTicketCookieName())).toBe(true);
    const res = await complete(victim, acs.headers.get("location")!);
    expect(await codeOf(res)).toBe("SAML_BROWSER_MISMATCH");
    expect(hasSession(res)).toBe(false);
  });

  it("a ticket cookie copied without the login nonce is not enough for an SP-initiated sign-in", async () => {
    const starter = new TestBrowser();
    const { requestId, relayState } = await startLogin(starter, spOnly);
    const poster = new TestBrowser();
    const acs = await postAcs(poster, spOnly, { SAMLResponse: spOnly.respond({ inResponseTo: requestId }), RelayState: relayState });
    // Even with the poster's ticket cookie, a third browser without the starter's nonce is refused.
    const third = new TestBrowser().set(ssoTicketCookieName(), poster.cookies.get(ssoTicketCookieName())!);
    expect(await codeOf(await complete(third, acs.headers.get("location")!))).toBe("SAML_BROWSER_MISMATCH");
  });

  it("SP-initiated sign-in completes in the browser that started it and posted the response", async () => {
    const browser = new TestBrowser();
    const { requestId, relayState } = await startLogin(browser, spOnly);
    expect(browser.cookies.has(ssoNonceCookieName())).toBe(true);
    const acs = await postAcs(browser, spOnly, { SAMLResponse: spOnly.respond({ inResponseTo: requestId }), RelayState: relayState });
    const res = await complete(browser, acs.headers.get("location")!);
    expect(res.status).toBe(303);
    expect(hasSession(res)).toBe(true);
  });

  it("several sign-ins started in tabs of one browser all complete (one nonce per browser)", async () => {
    const browser = new TestBrowser();
    const first = await startLogin(browser, spOnly);
    const second = await startLogin(browser, spOnly);
    for (const s of [second, first]) {
      const acs = await postAcs(browser, spOnly, { SAMLResponse: spOnly.respond({ inResponseTo: s.requestId }), RelayState: s.relayState });
      expect(hasSession(await complete(browser, acs.headers.get("location")!))).toBe(true);
    }
  });

  it("IdP-initiated sign-in keeps working in the browser that posted the response (the ACS's own cookie)", async () => {
    const browser = new TestBrowser();
    const acs = await postAcs(browser, kit, { SAMLResponse: kit.respond(), RelayState: "/w/landing" });
    const res = await complete(browser, acs.headers.get("location")!);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`${TEST_APP_URL}/w/landing`);
    expect(hasSession(res)).toBe(true);
  });
});
