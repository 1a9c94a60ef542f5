/**
 * The real route handlers against the test database: SP metadata, login, ACS (body cap, error page,
 * 303), the ticket hand-off, and a full round trip through the built-in IdP's HTTP endpoints.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decode } from "next-auth/jwt";
import { env } from "@/lib/env";
import { useDbForTests } from "@/server/bootstrap";
import { makeSamlKit, TEST_APP_URL, type SamlKit } from "@/lib/testing/saml-kit";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { TestBrowser } from "@/lib/testing/test-browser";
import { createConnection } from "@/lib/services/connections";
import { connectionCreateSchema } from "@/lib/schemas/connections";
import { getDevIdpMetadataXml } from "@/lib/services/dev-idp-store";
import { listSsoEvents } from "@/lib/services/sso-events";
import * as metadataRoute from "@/app/auth/sso/saml/[slug]/metadata/route";
import * as loginRoute from "@/app/auth/sso/saml/[slug]/login/route";
import * as acsRoute from "@/app/auth/sso/saml/[slug]/acs/route";
import * as completeRoute from "@/app/auth/sso/complete/route";
import * as devSsoRoute from "@/app/dev/idp/sso/route";
import * as devRespondRoute from "@/app/dev/idp/respond/route";
import * as devMetadataRoute from "@/app/dev/idp/metadata/route";
import { OPERATOR } from "@/lib/services/actor";

let t: TestDb;
let kit: SamlKit;
beforeAll(async () => {
  t = await createTestDb();
  useDbForTests(t.db);
  kit = await makeSamlKit(t.db);
});
afterAll(async () => {
  await t?.close();
});

const params = (slug: string) => ({ params: Promise.resolve({ slug }) });
const form = (fields: Record<string, string>) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(fields).toString(),
});
const postAcs = (slug: string, fields: Record<string, string>, browser = new TestBrowser()) =>
  acsRoute.POST(browser.request(`${TEST_APP_URL}/auth/sso/saml/${slug}/acs`, form(fields)), params(slug)).then((r) => browser.take(r));

describe("SP endpoints", () => {
  it("GET metadata: XML download; unknown slug → 404 page", async () => {
    const res = await metadataRoute.GET(new Request(`${TEST_APP_URL}/x`), params(kit.connection.slug));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/samlmetadata\+xml/);
    expect(res.headers.get("content-disposition")).toMatch(/attachment; filename=".*\.xml"/);
    const xml = await res.text();
    expect(xml).toContain(`entityID="${kit.sp.entityId}"`);
    expect(xml).toContain(kit.sp.acsUrl);
    expect(xml).not.toContain("PRIVATE");
    const missing = await metadataRoute.GET(new Request(`${TEST_APP_URL}/x`), params("nope-nope"));
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain("SAML_NOT_FOUND");
  });

  it("GET login: 302 to the IdP with SAMLRequest, RelayState, SigAlg, Signature; unknown → 404; inactive → 410", async () => {
    const res = await loginRoute.GET(
      new Request(`${TEST_APP_URL}/auth/sso/saml/${kit.connection.slug}/login?return_to=/w/x`),
      params(kit.connection.slug),
    );
    expect(res.status).toBe(302);
    const loc = new URL(res.headers.get("location")!);
    expect(loc.origin + loc.pathname).toBe(kit.connection.idpSsoUrlRedirect);
    for (const p of ["SAMLRequest", "RelayState", "SigAlg", "Signature"]) expect(loc.searchParams.get(p)).toBeTruthy();
    const unknown = await loginRoute.GET(new Request(`${TEST_APP_URL}/auth/sso/saml/zz-none/login`), params("zz-none"));
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain("SAML_NOT_FOUND");
    const inactive = await makeSamlKit(t.db, { active: false });
    const gone = await loginRoute.GET(new Request(`${TEST_APP_URL}/l`), params(inactive.connection.slug));
    expect(gone.status).toBe(410);
    expect(gone.headers.get("content-security-policy")).toMatch(/default-src 'none'/);
    expect(await gone.text()).toContain("SAML_INACTIVE");
  });

  it("GET login: a POST-only IdP gets an auto-submitting form with a nonce CSP", async () => {
    const c = await createConnection(
      t.db,
      kit.workspace.id,
      connectionCreateSchema.parse({
        name: "Post only",
        slug: `post-${kit.connection.slug}`,
        metadataXml: kit.idp
          .metadataXml("https://idp.post.test/sso")
          .replace(/<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"[^>]*\/>/, ""),
      }),
      OPERATOR,
    );
    expect(c.idpSsoUrlRedirect).toBeNull();
    const res = await loginRoute.GET(new Request(`${TEST_APP_URL}/l`), params(c.slug));
    expect(res.status).toBe(200);
    const csp = res.headers.get("content-security-policy")!;
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)![1];
    const html = await res.text();
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(html).toContain('action="https://idp.post.test/sso"');
    expect(html).toContain('name="SAMLRequest"');
  });

  it("POST acs: a body over 256 KB → 413 SAML_BODY_TOO_LARGE (before parsing), with an event", async () => {
    const res = await postAcs(kit.connection.slug, { SAMLResponse: "A".repeat(300 * 1024) });
    expect(res.status).toBe(413);
    expect(await res.text()).toContain("SAML_BODY_TOO_LARGE");
    const { items } = await listSsoEvents(t.db, kit.workspace.id, { connectionId: kit.connection.id });
    expect(items[0]!.errorCode).toBe("SAML_BODY_TOO_LARGE");
  });

  it("POST acs: failure page names the code, who fixes it, safe values; success → 303 to the ticket hand-off", async () => {
    const bad = await postAcs(kit.connection.slug, { SAMLResponse: kit.respond({ audience: "https://other.test/sp" }) });
    expect(bad.status).toBe(401);
    const html = await bad.text();
    expect(html).toContain("SAML_AUDIENCE_MISMATCH");
    expect(html).toMatch(/Who can fix this/);
    expect(html).not.toMatch(/PRIVATE KEY|SignatureValue/);

    const browser = new TestBrowser();
    const ok = await postAcs(kit.connection.slug, { SAMLResponse: kit.respond({ email: "route.user@corp.test" }) }, browser);
    expect(ok.status).toBe(303);
    const loc = ok.headers.get("location")!;
    expect(loc).toMatch(/^\/auth\/sso\/complete\?ticket=/);
    const ticketCookie = ok.headers.getSetCookie().find((c) => c.startsWith("gh_sso_ticket="))!;
    expect(ticketCookie).toMatch(/HttpOnly/i);
    expect(ticketCookie).toMatch(/SameSite=Lax/i);
    expect(ticketCookie).toMatch(/Max-Age=60/);
    const done = browser.take(await completeRoute.GET(browser.request(`${TEST_APP_URL}${loc}`)));
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe(`${TEST_APP_URL}/`);
    const setCookie = done.headers.getSetCookie().find((c) => /next-auth\.session-token=/.test(c))!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(browser.cookies.has("gh_sso_ticket")).toBe(false); // cleared once used
    const token = await decode({ token: /session-token=([^;]+)/.exec(setCookie)![1], secret: env().authSecret });
    expect(token?.email).toBe("route.user@corp.test");
    const again = await completeRoute.GET(browser.set("gh_sso_ticket", ticketCookie.split(/[=;]/)[1]!).request(`${TEST_APP_URL}${loc}`));
    expect(again.status).toBe(400);
    expect(await again.text()).toContain("SAML_LOGIN_TICKET_INVALID");
  });

  it("POST acs: a replayed POST shows SAML_REPLAY", async () => {
    const response = kit.respond();
    expect((await postAcs(kit.connection.slug, { SAMLResponse: response })).status).toBe(303);
    const replay = await postAcs(kit.connection.slug, { SAMLResponse: response });
    expect(replay.status).toBe(401);
    expect(await replay.text()).toContain("SAML_REPLAY");
  });
});

describe("built-in IdP over HTTP", () => {
  it("serves metadata and completes SP- and IdP-initiated round trips through its endpoints", async () => {
    const md = await devMetadataRoute.GET();
    expect(md.status).toBe(200);
    const mdXml = await md.text();
    expect(mdXml).toBe(getDevIdpMetadataXml());
    const c = await createConnection(
      t.db,
      kit.workspace.id,
      connectionCreateSchema.parse({
        name: "Dev",
        slug: `dev-${kit.connection.slug}`,
        idpType: "dev",
        metadataXml: mdXml,
        allowIdpInitiated: true,
      }),
      OPERATOR,
    );

    // SP-initiated: login → /dev/idp/sso (verifies the signed request) → chooser → respond → ACS → complete.
    const browser = new TestBrowser();
    const login = browser.take(
      await loginRoute.GET(browser.request(`${TEST_APP_URL}/l?return_to=/w/${kit.workspace.slug}`), params(c.slug)),
    );
    expect(login.headers.getSetCookie().find((x) => x.startsWith("gh_sso_nonce="))).toMatch(
      /HttpOnly.*SameSite=Lax|SameSite=Lax.*HttpOnly/i,
    );
    const idpUrl = new URL(login.headers.get("location")!);
    expect(idpUrl.pathname).toBe("/dev/idp/sso");
    const sso = await devSsoRoute.GET(new Request(idpUrl.toString()));
    expect(sso.status).toBe(303);
    const chooser = new URL(sso.headers.get("location")!, TEST_APP_URL);
    expect(chooser.pathname).toBe("/dev/idp/sso/choose");
    const posted = await devRespondRoute.POST(
      new Request(
        `${TEST_APP_URL}/dev/idp/respond`,
        form({
          slug: c.slug,
          request_id: chooser.searchParams.get("request_id")!,
          relay_state: chooser.searchParams.get("relay_state")!,
          email: "dev.sp@acme.test",
          first_name: "Dev",
          last_name: "User",
          groups: "engineering",
        }),
      ),
    );
    const page = await posted.text();
    const field = (name: string) =>
      new RegExp(`name="${name}" value="([^"]*)"`)
        .exec(page)?.[1]
        ?.replace(/&quot;/g, '"')
        .replace(/&amp;/g, "&") ?? "";
    expect(page).toContain(`action="${TEST_APP_URL}/auth/sso/saml/${c.slug}/acs"`);
    const acs = await postAcs(c.slug, { SAMLResponse: field("SAMLResponse"), RelayState: field("RelayState") }, browser);
    expect(acs.status).toBe(303);
    const done = await completeRoute.GET(browser.request(`${TEST_APP_URL}${acs.headers.get("location")}`));
    expect(done.headers.get("location")).toBe(`${TEST_APP_URL}/w/${kit.workspace.slug}`);

    // A tampered request signature is refused by the IdP.
    const tampered = new URL(idpUrl);
    tampered.searchParams.set("RelayState", "forged");
    expect((await devSsoRoute.GET(new Request(tampered.toString()))).status).toBe(401);

    // IdP-initiated from the launcher form.
    const idpInit = await devRespondRoute.POST(
      new Request(
        `${TEST_APP_URL}/dev/idp/respond`,
        form({ slug: c.slug, email: "dev.idp@acme.test", first_name: "", last_name: "", groups: "" }),
      ),
    );
    const html = await idpInit.text();
    const samlResponse = /name="SAMLResponse" value="([^"]*)"/.exec(html)![1]!;
    expect((await postAcs(c.slug, { SAMLResponse: samlResponse })).status).toBe(303);
  });
});
