/**
 * Sign-in IP allowlist (issue 14, part 4), tried as a user would: SSO through the real ACS and
 * completion routes with real signed SAML, password sign-in through next-auth's own credentials
 * handler, and OpenID Connect through the mounted provider with openid-client as the application.
 * The client address is the socket address our server records (X-Forwarded-For only behind TRUST_PROXY).
 */
import { createRequire } from "node:module";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as acsRoute from "@/app/auth/sso/saml/[slug]/acs/route";
import * as completeRoute from "@/app/auth/sso/complete/route";
import * as refusedRoute from "@/app/auth/ip-refused/route";
import { and, eq } from "drizzle-orm";
import { memberships, users } from "@/db/schema";
import { authOptions } from "@/lib/auth/options";
import { resetEnvForTests } from "@/lib/env";
import { REMOTE_ADDR_HEADER } from "@/lib/http/client-ip";
import { ipAllowlistUpdateSchema } from "@/lib/schemas/ip-allowlist";
import { OPERATOR } from "@/lib/services/actor";
import { clearIpAllowlist, setIpAllowlist } from "@/lib/services/ip-allowlist";
import { addMember, makeWorkspace, uniq } from "@/lib/testing/fixtures";
import {
  authorize,
  callbackParams,
  exchange,
  HttpBrowser,
  registerApp,
  startAuthorization,
  startOidcServer,
  type OidcServer,
  type TestApp,
} from "@/lib/testing/oidc-kit";
import { makeSamlKit, TEST_APP_URL, type SamlKit } from "@/lib/testing/saml-kit";
import { TestBrowser } from "@/lib/testing/test-browser";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { useDbForTests } from "@/server/bootstrap";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  useDbForTests(t.db);
});
afterAll(async () => {
  await t?.close();
});

const OFFICE = "203.0.113.0/24";
const allow = (workspaceId: string, ranges: string[], exemptBreakGlassOwners = false) =>
  setIpAllowlist(t.db, workspaceId, ipAllowlistUpdateSchema.parse({ ranges, exemptBreakGlassOwners }), OPERATOR);
const codeOf = async (r: Response) => /<span class="code">([A-Z_]+)<\/span>/.exec(await r.clone().text())?.[1];
const hasSession = (r: Response) => r.headers.getSetCookie().some((c) => /session-token=[^;]+/.test(c));

describe("SSO sign-in (ACS → ticket → session)", () => {
  let kit: SamlKit;
  beforeAll(async () => {
    kit = await makeSamlKit(t.db);
  });
  afterEach(async () => {
    await clearIpAllowlist(t.db, kit.workspace.id, OPERATOR);
  });

  /** An IdP-initiated sign-in in one browser whose requests come from `ip` (and carry `headers`). */
  async function ssoFrom(ip: string, headers: Record<string, string> = {}) {
    const browser = new TestBrowser();
    const send = { [REMOTE_ADDR_HEADER]: ip, ...headers };
    const acs = browser.take(
      await acsRoute.POST(
        browser.request(`${TEST_APP_URL}/auth/sso/saml/${kit.connection.slug}/acs`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", ...send },
          body: new URLSearchParams({ SAMLResponse: kit.respond({ email: `ada-${uniq()}@corp.test` }) }).toString(),
        }),
        { params: Promise.resolve({ slug: kit.connection.slug }) },
      ),
    );
    expect(acs.status).toBe(303);
    return browser.take(await completeRoute.GET(browser.request(`${TEST_APP_URL}${acs.headers.get("location")}`, { headers: send })));
  }

  it("inside the ranges: signed in", async () => {
    await allow(kit.workspace.id, [OFFICE]);
    const res = await ssoFrom("203.0.113.9");
    expect(res.status).toBe(303);
    expect(hasSession(res)).toBe(true);
  });

  it("outside the ranges: no session, a 403 page with the stable code, the address seen and who can fix it, never the ranges", async () => {
    await allow(kit.workspace.id, [OFFICE, "2001:db8::/32"]);
    const res = await ssoFrom("192.0.2.44");
    expect(res.status).toBe(403);
    expect(hasSession(res)).toBe(false);
    const html = await res.text();
    expect(html).toContain('<span class="code">IP_NOT_ALLOWED</span>');
    expect(html).toContain("192.0.2.44");
    expect(html).toContain(kit.workspace.slug);
    expect(html).toMatch(/Who can fix this<\/h2><p>An owner of/);
    expect(html).not.toContain("203.0.113");
    expect(html).not.toContain("2001:db8");
  });

  it("IPv6: a client inside an IPv6 range signs in, one outside is refused", async () => {
    await allow(kit.workspace.id, ["2001:db8:abcd::/48"]);
    expect(hasSession(await ssoFrom("2001:db8:abcd:12::7"))).toBe(true);
    const out = await ssoFrom("2001:db8:abce::7");
    expect(await codeOf(out)).toBe("IP_NOT_ALLOWED");
    expect(await out.text()).toContain("2001:db8:abce::7");
  });

  it("IPv4-mapped IPv6 (a dual-stack socket) is matched as the IPv4 address it carries", async () => {
    await allow(kit.workspace.id, [OFFICE]);
    expect(hasSession(await ssoFrom("::ffff:203.0.113.9"))).toBe(true);
    const out = await ssoFrom("::ffff:192.0.2.44");
    expect(await codeOf(out)).toBe("IP_NOT_ALLOWED");
    expect(await out.text()).toContain("<dd>192.0.2.44</dd>");
  });

  it("X-Forwarded-For spoofing without TRUST_PROXY is ignored: the socket address decides", async () => {
    await allow(kit.workspace.id, [OFFICE]);
    const res = await ssoFrom("192.0.2.44", { "x-forwarded-for": "203.0.113.9", "x-real-ip": "203.0.113.9" });
    expect(await codeOf(res)).toBe("IP_NOT_ALLOWED");
    expect(hasSession(res)).toBe(false);
  });

  it("behind TRUST_PROXY=1 the proxy's entry counts, and a client-written leftmost entry still proves nothing", async () => {
    await allow(kit.workspace.id, [OFFICE]);
    const before = process.env.TRUST_PROXY;
    process.env.TRUST_PROXY = "1";
    resetEnvForTests();
    try {
      expect(hasSession(await ssoFrom("10.0.0.2", { "x-forwarded-for": "203.0.113.9" }))).toBe(true);
      expect(await codeOf(await ssoFrom("10.0.0.2", { "x-forwarded-for": "203.0.113.9, 192.0.2.44" }))).toBe("IP_NOT_ALLOWED");
    } finally {
      if (before === undefined) delete process.env.TRUST_PROXY;
      else process.env.TRUST_PROXY = before;
      resetEnvForTests();
    }
  });

  it("break-glass toggle: a break-glass owner's SSO sign-in from outside is refused until the toggle is on", async () => {
    await allow(kit.workspace.id, [OFFICE]);
    const email = `bg-${uniq()}@corp.test`;
    // First sign-in from inside provisions the person; make them a break-glass owner.
    const browser = new TestBrowser();
    const first = browser.take(
      await acsRoute.POST(
        browser.request(`${TEST_APP_URL}/auth/sso/saml/${kit.connection.slug}/acs`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", [REMOTE_ADDR_HEADER]: "203.0.113.9" },
          body: new URLSearchParams({ SAMLResponse: kit.respond({ email }) }).toString(),
        }),
        { params: Promise.resolve({ slug: kit.connection.slug }) },
      ),
    );
    expect(first.status).toBe(303);
    const [u] = await t.db.select().from(users).where(eq(users.email, email));
    await t.db
      .update(memberships)
      .set({ role: "owner", breakGlass: true })
      .where(and(eq(memberships.workspaceId, kit.workspace.id), eq(memberships.userId, u!.id)));
    const again = async () => {
      const b = new TestBrowser();
      const acs = b.take(
        await acsRoute.POST(
          b.request(`${TEST_APP_URL}/auth/sso/saml/${kit.connection.slug}/acs`, {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded", [REMOTE_ADDR_HEADER]: "192.0.2.44" },
            body: new URLSearchParams({ SAMLResponse: kit.respond({ email }) }).toString(),
          }),
          { params: Promise.resolve({ slug: kit.connection.slug }) },
        ),
      );
      return b.take(
        await completeRoute.GET(
          b.request(`${TEST_APP_URL}${acs.headers.get("location")}`, { headers: { [REMOTE_ADDR_HEADER]: "192.0.2.44" } }),
        ),
      );
    };
    expect(await codeOf(await again())).toBe("IP_NOT_ALLOWED");
    await allow(kit.workspace.id, [OFFICE], true);
    expect(hasSession(await again())).toBe(true);
  });
});

describe("password sign-in (next-auth credentials handler)", () => {
  const PASSWORD = "correct-horse-battery-ip";
  const nextAuthCore = createRequire(import.meta.url)(path.join(process.cwd(), "node_modules/next-auth/core/index.js")) as {
    AuthHandler: (p: {
      req: Record<string, unknown>;
      options: unknown;
    }) => Promise<{ status?: number; redirect?: string; body?: unknown; cookies?: { name: string; value: string }[] }>;
  };

  /** The error code next-auth reports (null: signed in). */
  async function passwordFrom(ip: string, email: string, password = PASSWORD, extra: Record<string, string> = {}): Promise<string | null> {
    const options = authOptions();
    const base = {
      query: {},
      headers: { host: "localhost:3999", [REMOTE_ADDR_HEADER]: ip, ...extra },
      cookies: {} as Record<string, string>,
    };
    const csrf = await nextAuthCore.AuthHandler({ req: { ...base, method: "GET", action: "csrf" }, options });
    const cookies = Object.fromEntries((csrf.cookies ?? []).map((c) => [c.name, c.value]));
    const r = await nextAuthCore.AuthHandler({
      req: {
        ...base,
        cookies,
        method: "POST",
        action: "callback",
        providerId: "password",
        body: { email, password, csrfToken: (csrf.body as { csrfToken: string }).csrfToken, json: "true" },
      },
      options,
    });
    return new URL(r.redirect ?? "/", TEST_APP_URL).searchParams.get("error");
  }

  it("refused outside the ranges (IP_NOT_ALLOWED), allowed inside; a wrong password tells nothing about the allowlist", async () => {
    const { workspace } = await makeWorkspace(t.db);
    const email = `pw-${uniq()}@ip.example`;
    await addMember(t.db, workspace.id, { email, password: PASSWORD, role: "editor" });
    await allow(workspace.id, [OFFICE, "2001:db8::/32"]);
    expect(await passwordFrom("192.0.2.44", email)).toBe("IP_NOT_ALLOWED");
    expect(await passwordFrom("192.0.2.44", email, "wrong-password")).toBe("INVALID_CREDENTIALS");
    expect(await passwordFrom("192.0.2.45", email, PASSWORD, { "x-forwarded-for": "203.0.113.9" })).toBe("IP_NOT_ALLOWED");
    expect(await passwordFrom("203.0.113.9", email)).toBeNull();
    expect(await passwordFrom("2001:db8::9", email)).toBeNull();
    expect(await passwordFrom("::ffff:203.0.113.9", email)).toBeNull();
  });

  it("a person who is also a member of an open workspace still signs in from outside (the restricted workspace refuses its own pages)", async () => {
    const { workspace: restricted } = await makeWorkspace(t.db);
    const { workspace: open } = await makeWorkspace(t.db);
    const email = `two-${uniq()}@ip.example`;
    const { user } = await addMember(t.db, restricted.id, { email, password: PASSWORD });
    await t.db.insert(memberships).values({ workspaceId: open.id, userId: user.id, role: "viewer", status: "active" });
    await allow(restricted.id, [OFFICE]);
    expect(await passwordFrom("192.0.2.44", email)).toBeNull();
  });
});

describe("OpenID Connect authorization (openid-client against the mounted provider, from 127.0.0.1)", () => {
  let op: OidcServer;
  let app: TestApp;
  beforeAll(async () => {
    op = await startOidcServer(t.db);
    app = await registerApp(t.db, op);
  });
  afterAll(async () => {
    await op?.close();
  });

  /** Follow the authorization inside the provider with extra request headers on every hop. */
  async function authorizeWith(browser: HttpBrowser, url: string, headers: Record<string, string>) {
    let current = url;
    for (let i = 0; i < 10; i++) {
      const res = await browser.request(current, { headers });
      const location = res.headers.get("location");
      if (res.status < 300 || res.status >= 400 || !location) return { res, location: null };
      const next = new URL(location, current).toString();
      if (!next.startsWith(`${op.url}/oidc/`)) return { res, location: next };
      current = next;
    }
    throw new Error("too many redirects");
  }

  it("inside the ranges the application gets its tokens; after the owner narrows the list, the same session is cut off with the page", async () => {
    const { workspace } = await makeWorkspace(t.db);
    const { user } = await addMember(t.db, workspace.id, { email: `oidc-${uniq()}@ip.example`, role: "editor" });
    const browser = new HttpBrowser(op.url);
    await browser.signIn(user, { amr: "pwd" });

    await allow(workspace.id, ["127.0.0.0/8"]);
    const start = await startAuthorization(app, { organization: workspace.slug });
    const granted = await authorize(browser, start);
    expect(callbackParams(granted.location).get("code")).toBeTruthy();
    const tokens = await exchange(app, start, granted.location!);
    expect(tokens.claims()!.sub).toBe(user.id);

    // The list changes: the existing Gatehouse session (and the application's earlier grant) no longer reaches the workspace.
    await allow(workspace.id, [OFFICE]);
    const refused = await authorize(browser, await startAuthorization(app, { organization: workspace.slug }));
    expect(refused.location).toBeNull();
    expect(refused.last.status).toBe(403);
    const html = await refused.last.text();
    expect(html).toContain('<span class="code">IP_NOT_ALLOWED</span>');
    expect(html).toContain("127.0.0.1");
    expect(html).not.toContain("203.0.113");

    // Spoofing the forwarded address without TRUST_PROXY changes nothing.
    const spoofed = await authorizeWith(browser, (await startAuthorization(app, { organization: workspace.slug })).url.toString(), {
      "x-forwarded-for": "203.0.113.9",
    });
    expect(spoofed.res.status).toBe(403);

    await clearIpAllowlist(t.db, workspace.id, OPERATOR);
    const again = await authorize(browser, await startAuthorization(app, { organization: workspace.slug }));
    expect(callbackParams(again.location).get("code")).toBeTruthy();
  });

  it("the allowlist of one organization does not touch the person's other organization", async () => {
    const { workspace: restricted } = await makeWorkspace(t.db);
    const { workspace: open } = await makeWorkspace(t.db);
    const { user } = await addMember(t.db, restricted.id, { email: `multi-${uniq()}@ip.example` });
    await t.db.insert(memberships).values({ workspaceId: open.id, userId: user.id, role: "viewer", status: "active" });
    await allow(restricted.id, [OFFICE]);
    const browser = new HttpBrowser(op.url);
    await browser.signIn(user, { amr: "pwd" });
    const toOpen = await authorize(browser, await startAuthorization(app, { organization: open.slug }));
    expect(callbackParams(toOpen.location).get("code")).toBeTruthy();
    const toRestricted = await authorize(browser, await startAuthorization(app, { organization: restricted.slug }));
    expect(toRestricted.last.status).toBe(403);
  });
});

describe("the refused page (where console requests of a cut-off session land)", () => {
  it("shows the address seen and the workspace slug, echoes nothing else from the URL", async () => {
    const res = await refusedRoute.GET(
      new Request(`${TEST_APP_URL}/auth/ip-refused?workspace=acme-co`, { headers: { [REMOTE_ADDR_HEADER]: "::ffff:192.0.2.9" } }),
    );
    expect(res.status).toBe(403);
    const html = await res.text();
    expect(html).toContain("IP_NOT_ALLOWED");
    expect(html).toContain("<dd>192.0.2.9</dd>");
    expect(html).toContain("acme-co");
    const injected = await refusedRoute.GET(
      new Request(`${TEST_APP_URL}/auth/ip-refused?workspace=${encodeURIComponent("<b>Call +1 555</b>")}`),
    );
    expect(await injected.text()).not.toContain("555");
  });
});
