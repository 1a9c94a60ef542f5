import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import AxeBuilder from "@axe-core/playwright";
import type { Page, TestInfo } from "@playwright/test";
import { createDevIdp } from "../lib/dev-idp";
import { addMember } from "../lib/testing/fixtures";
import { memberActor } from "../lib/services/actor";
import { createSetupLinkConnection } from "../lib/services/setup-link-scope";
import { createSetupLink, markSetupLinkCompleted, resolveSetupLinkToken } from "../lib/services/setup-links";
import { setTxtRecord } from "./support/dns";
import { expect, routeTo, signInWithPassword, test } from "./support/fixtures";
import { startTrustIdp } from "./support/trust-idp";
import { connectionCreateSchema } from "../lib/schemas/connections";
import { createConnection, updateConnection } from "../lib/services/connections";
import { findWorkspaceBySlug } from "../lib/services/workspaces";

/**
 * Every page of the product in a realistic state, as full-page screenshots (CI artifacts, one folder
 * per test and size) at two laptop sizes, each page checked with axe: no serious or critical violations.
 * Each journey runs once, at the first size; every state it reaches is shot at both sizes.
 */

const VIEWPORTS = [
  { name: "1280x800", width: 1280, height: 800 },
  { name: "1024x768", width: 1024, height: 768 },
] as const;
/** The size the journeys run at (new contexts and popups open at it). */
const vp = VIEWPORTS[0];

/**
 * Screenshots of the page as it is now, at each laptop size, and one accessibility check (at the
 * journey's size: axe's rules read the DOM, which is the same at both). A sandboxed iframe (the HTML
 * part of a captured email at /dev/mail) runs no scripts, so axe cannot run inside it and waited on it
 * forever at times: it is the email's markup, not the product's, and is left out. Legacy mode runs axe
 * in the page itself (every frame of ours is same-origin) instead of finishing each run in a new blank
 * page: 1.7 s per check instead of 3.2 s, same rules.
 */
async function capture(page: Page, testInfo: TestInfo, name: string) {
  // Toasts were seen when they appeared; out of the way here, so they hide nothing in the full-page shot.
  for (const dismiss of await page.getByRole("button", { name: "Dismiss notification" }).all())
    await dismiss.click({ timeout: 1_000 }).catch(() => {});
  const journeySize = page.viewportSize();
  const t0 = Date.now();
  for (const size of VIEWPORTS) {
    await page.setViewportSize({ width: size.width, height: size.height });
    // From the top, so the sticky header is where a person sees it.
    await page.evaluate(async () => {
      window.scrollTo(0, 0);
      await document.fonts.ready;
    });
    // A long full-page shot on a busy machine can take a while: slower, never red.
    await page.screenshot({ path: testInfo.outputPath(size.name, `${name}.png`), fullPage: true, timeout: 120_000 });
  }
  if (journeySize) await page.setViewportSize(journeySize);
  const t1 = Date.now();
  const results = await new AxeBuilder({ page }).exclude("iframe[sandbox]").setLegacyMode().analyze();
  const serious = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ rule: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
  expect.soft(serious, `axe: serious/critical violations on ${name} (${page.url()})`).toEqual([]);
  if (process.env.CAPTURE_DEBUG) console.log(`${name}: screenshots ${t1 - t0} ms, axe ${Date.now() - t1} ms`);
}

/**
 * A corporate IdP stand-in on loopback with real signatures (lib/dev-idp). `mode` decides the answer:
 * a good response, or one for the wrong audience (to show a failed test sign-in).
 */
async function startLoopbackIdp() {
  // A long, realistic entity ID (Okta's look like this) to catch layouts that do not wrap.
  const idp = createDevIdp({ entityId: "http://www.okta.com/exk1a2b3c4d5e6f7g8h9i0j1k2l3m4n5o6p7q8r9s0t1u2v3w4x5y6z7/loopback" });
  const state = {
    mode: "ok" as "ok" | "wrong-audience",
    email: "ada.lovelace@example.test",
    groups: ["Everyone", "Engineering", "gatehouse-admins"],
  };
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname === "/metadata") {
      res.writeHead(200, { "content-type": "application/samlmetadata+xml" }).end(idp.metadataXml(ssoUrl));
      return;
    }
    if (url.pathname === "/sso") {
      const request = idp.parseAuthnRequest({ binding: "redirect", query: url.search });
      const samlResponse = idp.createResponse({
        acsUrl: request.acsUrl!,
        audience: state.mode === "ok" ? request.issuer! : "https://some-other-app.example/saml/metadata",
        inResponseTo: request.id,
        nameId: state.email,
        attributes: { email: state.email, firstName: "Ada", lastName: "Lovelace", groups: state.groups },
      });
      res
        .writeHead(200, { "content-type": "text/html; charset=utf-8" })
        .end(
          `<!doctype html><html lang="en"><title>Loopback IdP</title><h1>Loopback IdP</h1><p>Signing in ${esc(state.email)}</p>` +
            `<form method="post" action="${esc(request.acsUrl!)}"><input type="hidden" name="SAMLResponse" value="${esc(samlResponse)}">` +
            `<input type="hidden" name="RelayState" value="${esc(request.relayState ?? "")}"><button type="submit">Continue</button></form>`,
        );
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const ssoUrl = `http://127.0.0.1:${port}/sso`;
  return { state, metadataXml: idp.metadataXml(ssoUrl), close: () => new Promise<void>((r) => server.close(() => r())) };
}

test.describe("screenshots at 1280x800 and 1024x768", () => {
  test.use({ viewport: { width: vp.width, height: vp.height } });

  test("public pages: login steps, 404, SAML error pages, built-in IdP", async ({ page, state }, testInfo) => {
    test.setTimeout(240_000);
    await page.goto("/login");
    await expect(page.getByLabel("Work email")).toBeFocused();
    await capture(page, testInfo, "p01-login-email");

    // Inline validation.
    await page.getByLabel("Work email").fill("not-an-email");
    await page.getByRole("button", { name: "Continue" }).click();
    await expect(page.getByText("Enter a valid email address")).toBeVisible();
    await capture(page, testInfo, "p02-login-email-invalid");

    // Password step, then a wrong password.
    await page.getByLabel("Work email").fill("nobody@unknown-company.test");
    await page.getByRole("button", { name: "Continue" }).click();
    await expect(page.getByLabel("Password")).toBeFocused();
    await capture(page, testInfo, "p03-login-password");
    await page.getByLabel("Password").fill("wrong password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Wrong email or password." })).toBeVisible();
    await capture(page, testInfo, "p04-login-error");

    // Keyboard order on the password step: Change → Password → Sign in.
    await page.getByRole("button", { name: "Change" }).focus();
    await page.keyboard.press("Tab");
    await expect(page.getByLabel("Password")).toBeFocused();
    await page.keyboard.press("Tab");
    await expect(page.getByRole("button", { name: "Sign in" })).toBeFocused();

    await page.goto("/login?error=SAML_LOGIN_TICKET_INVALID");
    await expect(page.getByText("That sign-in link expired.")).toBeVisible();
    await capture(page, testInfo, "p05-login-ticket-expired");

    // After sign-out (SAML single logout): the IdP confirmed, or reported a partial logout.
    await page.goto("/login?signed_out=idp");
    await expect(page.getByRole("status")).toContainText("You are signed out.");
    await capture(page, testInfo, "p05b-signed-out-idp-confirmed");
    await page.goto("/login?signed_out=idp_partial");
    await expect(page.getByRole("status")).toContainText("could not sign you out of every application");
    await capture(page, testInfo, "p05c-signed-out-idp-partial");
    // A forged logout message at the single logout endpoint: the SAML error page with its SLO code.
    await page.goto("/auth/sso/saml/demo-idp/slo?SAMLRequest=bm90LWEtbG9nb3V0LXJlcXVlc3Q%3D");
    await expect(page.getByText("SAML_SLO_SIGNATURE_MISSING")).toBeVisible();
    await capture(page, testInfo, "p05d-slo-unsigned-refused");

    const missing = await page.goto("/this-page-does-not-exist");
    expect(missing?.status()).toBe(404);
    await capture(page, testInfo, "p06-not-found");

    // The ticket hand-off with a bad ticket.
    await page.goto("/auth/sso/complete?ticket=not-a-real-ticket");
    await expect(page.getByText("Who can fix this")).toBeVisible();
    await capture(page, testInfo, "p07-sso-complete-failed");

    // The built-in IdP: launcher (IdP-initiated) and the chooser (SP-initiated). Its React pages run
    // under the app's nonce CSP, and nothing on them is refused by it.
    const cspErrors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" && /Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    const launcher = await page.goto("/dev/idp");
    expect(launcher?.headers()["content-security-policy"]).toContain("'nonce-");
    await expect(page.getByRole("heading", { name: "Built-in IdP" })).toBeVisible();
    await capture(page, testInfo, "p08-dev-idp-launcher");
    await page.goto("/auth/sso/saml/demo-idp/login");
    await expect(page.getByRole("heading", { name: "Sign in as…" })).toBeVisible();
    await capture(page, testInfo, "p09-dev-idp-chooser");
    expect(cspErrors).toEqual([]);

    // A replayed SAML response: the SAML error page.
    const res = await page.request.post("/dev/idp/respond", {
      form: { slug: "demo-idp", email: `replay-${vp.name}-${Date.now()}@acme.test`, first_name: "Re", last_name: "Play", groups: "" },
    });
    const html = await res.text();
    const samlResponse = /name="SAMLResponse" value="([^"]*)"/.exec(html)![1]!;
    const acs = /action="([^"]*)"/.exec(html)![1]!;
    const context = await page
      .context()
      .browser()!
      .newContext({ baseURL: state.baseURL, viewport: { width: vp.width, height: vp.height } });
    const fresh = await context.newPage();
    for (let i = 0; i < 2; i++) {
      await fresh.goto("about:blank");
      await fresh.setContent(
        `<form method="post" action="${acs}"><input type="hidden" name="SAMLResponse" value="${samlResponse}"><button>Post</button></form>`,
      );
      await fresh.getByRole("button", { name: "Post" }).click();
      await fresh.waitForLoadState();
    }
    await expect(fresh.getByText("SAML_REPLAY")).toBeVisible();
    await capture(fresh, testInfo, "p10-saml-replay");
    await context.close();
  });

  test("SSO console: empty state, guided setup for Okta, Entra and Google, test results, connection page, event detail", async ({
    page,
    makeWorkspace,
    state,
  }, testInfo) => {
    test.setTimeout(420_000);
    const ws = await makeWorkspace({ name: "Screenshot Industries International" });
    const idp = await startLoopbackIdp();
    try {
      await signInWithPassword(page, ws.ownerEmail, ws.ownerPassword);
      await page.waitForURL(/\/w\//);
      await page.goto(`/w/${ws.slug}/settings/sso`);
      await expect(page.getByRole("heading", { name: "Add a connection for your identity provider" })).toBeVisible();
      await capture(page, testInfo, "s01-sso-empty");
      await page.getByRole("button", { name: ws.ownerEmail }).click();
      await expect(page.getByRole("menu")).toBeVisible();
      await capture(page, testInfo, "s02-shell-user-menu");
      await page.keyboard.press("Escape");

      // ── Okta: the whole guided setup, by metadata URL.
      await page.goto(`/w/${ws.slug}/settings/sso/new`);
      await capture(page, testInfo, "s03-new-pick-idp");
      await page.locator("label", { hasText: "Okta Workforce Identity" }).click();
      await expect(page.getByText("✓ Available")).toBeVisible();
      await capture(page, testInfo, "s04-okta-step1");
      // Inline validation of the slug.
      await page.getByLabel("Slug").fill("Not A Slug!");
      await page.getByLabel("Default role").focus();
      await expect(page.getByText(/Lowercase letters, digits and dashes/)).toBeVisible();
      await capture(page, testInfo, "s05-okta-step1-invalid");
      await page.getByLabel("Slug").fill(`${ws.slug}-okta`);
      await expect(page.getByText("✓ Available")).toBeVisible();
      // Keyboard order in step 1: name → slug → default role → submit.
      await page.getByLabel("Connection name").focus();
      await page.keyboard.press("Tab");
      await expect(page.getByLabel("Slug")).toBeFocused();
      await page.keyboard.press("Tab");
      await expect(page.getByLabel("Default role")).toBeFocused();
      await page.keyboard.press("Tab");
      await expect(page.getByRole("button", { name: "Create and continue" })).toBeFocused();
      await page.getByRole("button", { name: "Create and continue" }).click();
      await page.waitForURL(/\/setup\?step=2/);
      const oktaUrl = page.url().replace(/\/setup\?step=2$/, "");
      await capture(page, testInfo, "s06-okta-step2-register");
      await page.getByRole("link", { name: /Next: add/ }).click();
      await page.waitForURL(/\/setup\?step=3/);
      await capture(page, testInfo, "s07-okta-step3-empty");
      // The source tabs work from the keyboard: one tab stop, arrow keys switch.
      await page.getByRole("tab", { name: "Metadata URL" }).focus();
      await page.keyboard.press("ArrowRight");
      await expect(page.getByRole("tab", { name: "Metadata XML" })).toBeFocused();
      await expect(page.getByRole("tab", { name: "Metadata XML" })).toHaveAttribute("aria-selected", "true");
      await page.getByRole("tab", { name: "Metadata XML" }).click();
      await page.getByLabel("IdP metadata XML").fill("<EntityDescriptor>not really</EntityDescriptor>");
      await expect(page.getByRole("alert").filter({ hasText: "SAML_METADATA_INVALID" })).toBeVisible();
      await capture(page, testInfo, "s08-okta-step3-invalid");
      await page.getByLabel("IdP metadata XML").fill(idp.metadataXml);
      await expect(page.getByText("Metadata read. Gatehouse will trust:")).toBeVisible();
      await capture(page, testInfo, "s09-okta-step3-preview");
      await page.getByRole("button", { name: "Save and continue" }).click();
      await page.waitForURL(/\/setup\?step=4/);
      await capture(page, testInfo, "s10-okta-step4");

      // Test sign-in: success, in the popup the panel opens.
      const popupPromise = page.context().waitForEvent("page");
      await page.getByRole("link", { name: /Run test sign-in/ }).click();
      const popup = await popupPromise;
      await popup.setViewportSize({ width: vp.width, height: vp.height });
      await expect(popup.getByRole("heading", { name: "Loopback IdP" })).toBeVisible();
      await popup.getByRole("button", { name: "Continue" }).click();
      await popup.waitForURL(/\/test\/[0-9a-f-]{36}$/);
      await expect(popup.getByRole("heading", { name: "Test sign-in succeeded" })).toBeVisible();
      await capture(popup, testInfo, "s11-test-success");
      await popup.close();
      await expect(page.getByText("Result:")).toBeVisible();
      await capture(page, testInfo, "s12-okta-step4-result");

      // Test sign-in: failure (the IdP answers for another audience).
      idp.state.mode = "wrong-audience";
      await page.goto(`/auth/sso/saml/${ws.slug}-okta/login?test=1`);
      await page.getByRole("button", { name: "Continue" }).click();
      await page.waitForURL(/\/test\/[0-9a-f-]{36}$/);
      await expect(page.getByRole("heading", { name: "Test sign-in failed" })).toBeVisible();
      await capture(page, testInfo, "s13-test-failure");
      idp.state.mode = "ok";

      // ── The Okta connection page with everything in use: mapping rules, a staged key, events.
      await page.goto(oktaUrl);
      await page.getByRole("button", { name: "Add rule" }).click();
      await page.getByLabel("has value").fill("gatehouse-admins");
      await page.getByLabel("gives role").selectOption("admin");
      await page.getByLabel("Sample values (comma-separated)").fill("Everyone, gatehouse-admins");
      await page.getByRole("button", { name: "Preview role" }).click();
      await page.getByRole("button", { name: "Save role mapping" }).click();
      await expect(page.getByTestId("toast").filter({ hasText: "Role mapping saved" })).toBeVisible();
      await page.getByRole("button", { name: "Stage new key" }).click();
      await expect(page.getByText("Staged: published")).toBeVisible();
      await page.reload();
      await capture(page, testInfo, "s17-connection-page");

      await page.goto(`/w/${ws.slug}/settings/sso`);
      await capture(page, testInfo, "s18-sso-list");

      // A real (not test) sign-in that fails: the SAML error page, then its event in the log.
      idp.state.mode = "wrong-audience";
      const stranger = await page
        .context()
        .browser()!
        .newContext({ baseURL: state.baseURL, viewport: { width: vp.width, height: vp.height } });
      const strangerPage = await stranger.newPage();
      await strangerPage.goto(`/auth/sso/saml/${ws.slug}-okta/login`);
      await strangerPage.getByRole("button", { name: "Continue" }).click();
      await expect(strangerPage.getByText("SAML_AUDIENCE_MISMATCH")).toBeVisible();
      await capture(strangerPage, testInfo, "s19-saml-error-audience");
      await stranger.close();
      idp.state.mode = "ok";
      await page.goto(`${oktaUrl}?events=failure`);
      await page.locator('a[href*="/events/"]').first().click();
      await page.waitForURL(/\/events\//);
      await capture(page, testInfo, "s20-event-detail");

      // Console 404 (another id).
      await page.goto(`/w/${ws.slug}/settings/sso/00000000-0000-4000-8000-000000000000`);
      await capture(page, testInfo, "s21-console-not-found");
    } finally {
      await idp.close();
    }
  });

  test("guided setup for Entra and Google: step 1, the values in their own words, metadata step", async ({
    page,
    makeWorkspace,
  }, testInfo) => {
    test.setTimeout(300_000);
    const ws = await makeWorkspace({ name: "Setup Co" });
    await signInWithPassword(page, ws.ownerEmail, ws.ownerPassword);
    await page.waitForURL(/\/w\//);
    // ── Entra and Google: step 1 and the "register these" step in their own words.
    for (const [label, short] of [
      ["Microsoft Entra ID", "entra"],
      ["Google Workspace", "google"],
    ] as const) {
      await page.goto(`/w/${ws.slug}/settings/sso/new`);
      await page.locator("label", { hasText: label }).first().click();
      await expect(page.getByText("✓ Available")).toBeVisible();
      await capture(page, testInfo, `s14-${short}-step1`);
      await page.getByRole("button", { name: "Create and continue" }).click();
      await page.waitForURL(/\/setup\?step=2/);
      await capture(page, testInfo, `s15-${short}-step2-register`);
      await page.getByRole("link", { name: /Next: add/ }).click();
      await page.waitForURL(/\/setup\?step=3/);
      await capture(page, testInfo, `s16-${short}-step3`);
    }
  });

  test("domains, members and invitations, API keys, API reference, audit log", async ({
    page,
    browser,
    makeWorkspace,
    state,
    db,
  }, testInfo) => {
    test.setTimeout(720_000); // the longest chain of states (domains → members → keys → API reference → audit filters)
    const ws = await makeWorkspace({ name: "Domain Holdings" });
    const corp = `corp-${ws.slug}-${vp.width}.test`;
    const pending = `subsidiary-with-a-rather-long-name-${ws.slug}-${vp.width}.test`;
    await signInWithPassword(page, ws.ownerEmail, ws.ownerPassword);
    await page.waitForURL(/\/w\//);

    // Domains: empty, pending with its TXT record, a failed verification, verified + routed.
    await page.goto(`/w/${ws.slug}/settings/domains`);
    await capture(page, testInfo, "d01-domains-empty");
    for (const d of [corp, pending]) {
      await page.getByLabel("Domain", { exact: true }).fill(d);
      await page.getByRole("button", { name: "Add domain" }).click();
      await expect(page.getByRole("listitem", { name: d })).toBeVisible();
    }
    await capture(page, testInfo, "d02-domains-pending");
    const row = page.getByRole("listitem", { name: corp });
    await row.getByRole("button", { name: `Verify ${corp}` }).click();
    await expect(row.getByTestId("domain-error")).toBeVisible();
    await capture(page, testInfo, "d03-domain-verify-failed");

    // A connection to route to (the built-in IdP, by metadata URL).
    await page.goto(`/w/${ws.slug}/settings/sso/new`);
    await page.locator("label", { hasText: "Built-in test IdP" }).click();
    await page.getByLabel("Connection name").fill("Company IdP");
    await expect(page.getByText("✓ Available")).toBeVisible();
    await page.getByRole("button", { name: "Create and continue" }).click();
    await page.waitForURL(/\/setup\?step=2/);
    await page.getByRole("link", { name: /Next: add/ }).click();
    await page.getByRole("textbox", { name: /Metadata URL/ }).fill(`${state.baseURL}/dev/idp/metadata`);
    await expect(page.getByText("Metadata read. Gatehouse will trust:")).toBeVisible({ timeout: 15_000 });
    await page.getByRole("button", { name: "Save and continue" }).click();
    await page.waitForURL(/\/setup\?step=4/);

    await page.goto(`/w/${ws.slug}/settings/domains`);
    const recordName = await row.getByRole("textbox", { name: "TXT record name" }).inputValue();
    const recordValue = await row.getByRole("textbox", { name: "TXT record value" }).inputValue();
    await setTxtRecord(recordName, [recordValue]);
    await row.getByRole("button", { name: `Verify ${corp}` }).click();
    await expect(row.getByText("Verified", { exact: true })).toBeVisible();
    await routeTo(row, "Company IdP");
    await expect(row.getByText(`People with @${corp} addresses are sent to Company IdP (`)).toBeVisible();
    await capture(page, testInfo, "d04-domains-verified-routed");
    await page.getByRole("radio", { name: /Everyone in verified domains/ }).check();
    await expect(page.getByTestId("enforcement-preview")).toContainText("If you save this");
    await capture(page, testInfo, "d05-enforcement-choice");
    // Owners' break-glass: removing it asks for the workspace slug.
    await page.getByRole("checkbox", { name: /Owners are break-glass/ }).uncheck();
    const confirmBox = page.getByRole("group", { name: "Confirm removing owners' break-glass" });
    await confirmBox.getByLabel("Type the workspace slug to confirm").fill(ws.slug);
    await capture(page, testInfo, "d05b-owners-break-glass-confirm");
    await confirmBox.getByRole("button", { name: "Cancel" }).click();
    await page.getByRole("button", { name: "Save enforcement" }).click();
    await capture(page, testInfo, "d06-enforcement-saved");

    // Login: the SSO step for an address in the routed domain.
    const other = await browser.newContext({ baseURL: state.baseURL, viewport: { width: vp.width, height: vp.height } });
    const visitor = await other.newPage();
    await visitor.goto("/login");
    await visitor.getByLabel("Work email").fill(`jane@${corp}`);
    await visitor.getByRole("button", { name: "Continue", exact: true }).click();
    await expect(visitor.getByRole("button", { name: "Continue with Company IdP" })).toBeFocused();
    await capture(visitor, testInfo, "d07-login-sso-step");

    // Members with an invitation; the invitation page.
    await page.goto(`/w/${ws.slug}/settings/members`);
    await page.getByLabel("Email").fill(`grace.hopper@${ws.slug}.test`);
    await page.getByLabel("Role", { exact: true }).selectOption("editor");
    await page.getByRole("button", { name: "Invite", exact: true }).click();
    const link = await page.getByRole("textbox", { name: "Invitation link" }).inputValue();
    await expect(page.getByTestId(`member-grace.hopper@${ws.slug}.test`)).toContainText("invited");
    await capture(page, testInfo, "m01-members-invited");
    // A role change asks first (promotion to Owner warns).
    const viewerEmail = `ada.viewer@${ws.slug}.test`;
    await addMember(db, ws.id, { email: viewerEmail, password: "viewer-password-123" });
    await page.reload();
    await page.getByTestId(`member-${viewerEmail}`).getByLabel(`Role of ${viewerEmail}`).selectOption("owner");
    await expect(page.getByRole("dialog", { name: `Make ${viewerEmail} an Owner?` })).toBeVisible();
    await capture(page, testInfo, "m01b-member-promote-owner-confirm");
    await page
      .getByRole("dialog", { name: `Make ${viewerEmail} an Owner?` })
      .getByRole("button", { name: "Cancel" })
      .click();
    await page
      .getByTestId(`member-${viewerEmail}`)
      .getByRole("button", { name: `Disable ${viewerEmail}` })
      .click();
    await page
      .getByRole("dialog", { name: `Disable ${viewerEmail}?` })
      .getByRole("button", { name: "Disable member" })
      .click();
    await expect(page.getByTestId("toast").filter({ hasText: `${viewerEmail} is disabled` })).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath("m01c-member-disabled-toast.png") });
    // What the disabled member sees.
    const disabledCtx = await browser.newContext({ baseURL: state.baseURL, viewport: { width: vp.width, height: vp.height } });
    const disabledPage = await disabledCtx.newPage();
    await signInWithPassword(disabledPage, viewerEmail, "viewer-password-123");
    await expect(disabledPage.getByRole("heading", { name: /was disabled by an admin/ })).toBeVisible();
    await capture(disabledPage, testInfo, "m01d-access-disabled");
    await disabledCtx.close();
    await visitor.goto(link);
    await expect(visitor.getByRole("heading", { name: /Join/ })).toBeVisible();
    await capture(visitor, testInfo, "m02-invite-page");
    await visitor.goto(`${link}x`);
    await capture(visitor, testInfo, "m03-invite-invalid");
    await other.close();

    // API keys: empty, then a new key shown once; the API reference.
    await page.goto(`/w/${ws.slug}/settings/api-keys`);
    await expect(page.getByText("No API keys yet")).toBeVisible();
    await capture(page, testInfo, "k01-api-keys-empty");
    await page.getByRole("button", { name: "Create API key" }).click();
    const dialog = page.getByRole("dialog", { name: "Create API key" });
    await dialog.getByLabel("Name").fill("Terraform (production)");
    await dialog.getByRole("button", { name: "Create key" }).click();
    await expect(page.getByRole("dialog", { name: "Copy your new API key" })).toBeVisible();
    await capture(page, testInfo, "k02-api-key-shown-once");
    await page.getByRole("button", { name: "I have copied the key" }).click();
    await capture(page, testInfo, "k03-api-keys-list");
    await page.goto(`/w/${ws.slug}/settings/api-keys/reference`);
    await capture(page, testInfo, "k04-api-reference");

    // Audit log after all of the above.
    await page.goto(`/w/${ws.slug}/settings/audit`);
    await capture(page, testInfo, "a01-audit-log");
    await page.goto(`/w/${ws.slug}/settings/audit?action=domain`);
    await capture(page, testInfo, "a02-audit-log-filtered");
    await page.goto(`/w/${ws.slug}/settings/audit?action=nothing.like.this`);
    await capture(page, testInfo, "a03-audit-log-no-match");
  });

  test("email: forgot password, check your email, the captured mail at /dev/mail, the reset form, a used link", async ({
    page,
    makeWorkspace,
  }, testInfo) => {
    test.setTimeout(480_000);
    const ws = await makeWorkspace({ name: "Mail Screens" });
    await page.goto(`/forgot-password?email=${encodeURIComponent(ws.ownerEmail)}`);
    await expect(page.getByLabel("Work email")).toHaveValue(ws.ownerEmail);
    await capture(page, testInfo, "e01-forgot-password");
    await page.getByLabel("Work email").fill("not-an-email");
    await page.getByRole("button", { name: "Send reset link" }).click();
    await expect(page.getByText("Enter a valid email address")).toBeVisible();
    await capture(page, testInfo, "e02-forgot-password-invalid");
    await page.getByLabel("Work email").fill(ws.ownerEmail);
    await page.getByRole("button", { name: "Send reset link" }).click();
    await expect(page.getByRole("status")).toContainText("Check your email");
    await capture(page, testInfo, "e03-forgot-password-sent");

    const subject = "Reset your Gatehouse password";
    await expect(async () => {
      await page.goto("/dev/mail");
      await expect(page.getByRole("row").filter({ hasText: ws.ownerEmail }).filter({ hasText: "Captured" })).toBeVisible({
        timeout: 2_000,
      });
    }).toPass({ timeout: 60_000 });
    await capture(page, testInfo, "e04-dev-mail-list");
    await page.getByRole("row").filter({ hasText: ws.ownerEmail }).getByRole("link", { name: subject }).first().click();
    await expect(page.getByRole("heading", { name: subject })).toBeVisible();
    await capture(page, testInfo, "e05-dev-mail-message");

    const link = page.getByTestId("mail-text").getByRole("link", { name: /\/reset-password\// });
    const resetUrl = (await link.getAttribute("href"))!;
    await link.click();
    await expect(page.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
    await capture(page, testInfo, "e06-reset-password");
    await page.getByLabel("New password", { exact: true }).fill("too short");
    await page.getByLabel("Confirm new password").fill("something else");
    await page.getByRole("button", { name: "Set new password" }).click();
    await expect(page.getByText("The passwords do not match")).toBeVisible();
    await capture(page, testInfo, "e07-reset-password-invalid");
    await page.getByLabel("New password", { exact: true }).fill("a screenshot password");
    await page.getByLabel("Confirm new password").fill("a screenshot password");
    await page.getByRole("button", { name: "Set new password" }).click();
    await expect(page.getByRole("status")).toContainText("Your password was changed");
    await capture(page, testInfo, "e08-reset-password-done");
    await page.goto(resetUrl);
    await expect(page.getByRole("heading", { name: "Link not valid" })).toBeVisible();
    await capture(page, testInfo, "e09-reset-link-used");
  });

  test("security: the sign-in IP allowlist card and the refused page", async ({ page, makeWorkspace }, testInfo) => {
    test.setTimeout(480_000);
    const ws = await makeWorkspace({ name: "Network Holdings" });
    await signInWithPassword(page, ws.ownerEmail, ws.ownerPassword);
    await page.waitForURL(/\/w\//);
    await page.goto(`/w/${ws.slug}/settings/security`);
    await expect(page.getByTestId("ip-allowlist-empty")).toBeVisible();
    await capture(page, testInfo, "i01-ip-allowlist-empty");
    const ranges = page.getByLabel("Allowed ranges");
    await ranges.fill("10.1.2.3/8\n2001:db8::/129");
    await ranges.blur();
    await expect(page.getByText(/Did you mean 10\.0\.0\.0\/8\?/)).toBeVisible();
    await capture(page, testInfo, "i02-ip-allowlist-invalid");
    await ranges.fill("203.0.113.0/24\n2001:db8:4000::/36");
    await page.getByRole("button", { name: "Save allowlist" }).click();
    const dialog = page.getByRole("dialog", { name: "Lock yourself out of this workspace?" });
    await expect(dialog).toBeVisible();
    await capture(page, testInfo, "i03-ip-allowlist-confirm-lockout");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await page.getByRole("button", { name: "Add my address" }).click();
    await page.getByRole("button", { name: "Save allowlist" }).click();
    await expect(page.getByText("On · 3 ranges")).toBeVisible();
    await capture(page, testInfo, "i04-ip-allowlist-set");
    await ranges.fill("203.0.113.0/24");
    await page.getByRole("button", { name: "Save allowlist" }).click();
    await dialog.getByLabel(`Type the workspace slug “${ws.slug}” to confirm`).fill(ws.slug);
    await dialog.getByRole("button", { name: "Save and lock me out" }).click();
    await expect(page).toHaveURL(/\/auth\/ip-refused/);
    await capture(page, testInfo, "i05-ip-refused");
  });

  test("console trust: setup Done, unsigned requests vs failing, needs metadata, certificate mismatch, metadata URL errors, duplicate name", async ({
    page,
    makeWorkspace,
  }, testInfo) => {
    test.setTimeout(420_000);
    const ws = await makeWorkspace({ name: "Trust Screens Co" });
    const idp = await startTrustIdp();
    try {
      await signInWithPassword(page, ws.ownerEmail, ws.ownerPassword);
      await page.waitForURL(/\/w\//);
      // A connection made in the wizard, its metadata by XML, then a successful test: the "Done" state.
      await page.goto(`/w/${ws.slug}/settings/sso/new`);
      await capture(page, testInfo, "t01-idp-marks");
      await page.locator("label", { hasText: "Okta Workforce Identity" }).click();
      await page.getByRole("button", { name: "Create and continue" }).click();
      await page.waitForURL(/\/setup\?step=2/);
      const connectionUrl = page.url().replace(/\/setup\?step=2$/, "");
      await page.goto(`${connectionUrl}/setup?step=3`);
      await page.locator("#md-url").fill("not a url");
      await expect(page.getByText("Enter the full metadata URL, starting with https://")).toBeVisible();
      await capture(page, testInfo, "t02-metadata-not-a-url");
      await page.locator("#md-url").fill("http://169.254.169.254/");
      await expect(page.getByRole("alert").filter({ hasText: "link-local" })).toBeVisible();
      await capture(page, testInfo, "t03-metadata-link-local");
      await page.locator("#md-url").fill(`${idp.base}/admin`);
      await expect(page.getByRole("alert").filter({ hasText: "this is a web page" })).toBeVisible();
      await capture(page, testInfo, "t04-metadata-html-page");
      await page.locator("#md-url").fill(`${idp.base}/metadata`);
      await expect(page.getByText("Metadata read. Gatehouse will trust:")).toBeVisible();
      await page.getByRole("button", { name: "Save and continue" }).click();
      await page.waitForURL(/\/setup\?step=4/);
      const ok = page.context().waitForEvent("page");
      await page.getByRole("link", { name: /Run test sign-in/ }).click();
      const popup = await ok;
      await expect(popup.getByRole("heading", { name: "Loopback IdP" })).toBeVisible();
      await popup.getByRole("button", { name: "Continue" }).click();
      await popup.waitForURL(/\/test\/[0-9a-f-]{36}$/);
      await popup.close();
      await expect(page.getByTestId("setup-done")).toBeVisible();
      await capture(page, testInfo, "t05-setup-done");

      // Garbage posted to the ACS: counted apart, the connection stays Active.
      const slug = `${ws.slug}-okta`;
      for (const SAMLResponse of ["garbage", "bm90IHNhbWw="]) {
        await page.request.post(`/auth/sso/saml/${slug}/acs`, { form: { SAMLResponse }, maxRedirects: 0 });
      }
      // A failed test with another key: the certificate comparison.
      idp.state.mode = "wrong-key";
      await page.goto(connectionUrl);
      const bad = page.context().waitForEvent("page");
      await page.getByRole("link", { name: /Run test sign-in/ }).click();
      const failed = await bad;
      await expect(failed.getByRole("heading", { name: "Loopback IdP" })).toBeVisible();
      await failed.getByRole("button", { name: "Continue" }).click();
      await failed.waitForURL(/\/test\/[0-9a-f-]{36}$/);
      await expect(failed.getByRole("heading", { name: "Which certificate signed" })).toBeVisible();
      await capture(failed, testInfo, "t06-test-signature-mismatch");
      await failed.close();
      await page.reload();
      await capture(page, testInfo, "t07-connection-failing-unsigned");

      // A second connection without metadata, and a duplicate name refused in the wizard.
      await page.goto(`/w/${ws.slug}/settings/sso/new`);
      await page.locator("label", { hasText: "Microsoft Entra ID" }).first().click();
      await page.getByLabel("Connection name").fill("OKTA");
      // Its own slug (the name's suggested slug is the first connection's): only the name collides.
      await page.getByLabel("Slug").fill(`${ws.slug}-entra`);
      await expect(page.getByText("✓ Available")).toBeVisible();
      await page.getByRole("button", { name: "Create and continue" }).click();
      await expect(page.getByText(/Another connection of this workspace has this name/)).toBeVisible();
      await capture(page, testInfo, "t08-duplicate-name");
      await page.getByLabel("Connection name").fill("Entra ID");
      await page.getByRole("button", { name: "Create and continue" }).click();
      await page.waitForURL(/\/setup\?step=2/);
      await page.goto(page.url().replace(/\/setup\?step=2$/, ""));
      await capture(page, testInfo, "t09-connection-needs-metadata");
      await page.goto(`/w/${ws.slug}/settings/sso`);
      await capture(page, testInfo, "t10-sso-list-statuses");
    } finally {
      await idp.close();
    }
  });

  test("setup links: owner's card and banner, the IT admin's pages for each purpose, the not-valid page", async ({
    page,
    browser,
    db,
    makeWorkspace,
    state,
  }, testInfo) => {
    test.setTimeout(300_000);
    const ws = await makeWorkspace({ name: "Setup Screens" });
    await signInWithPassword(page, ws.ownerEmail, ws.ownerPassword);
    await page.waitForURL(/\/w\//);
    await page.goto(`/w/${ws.slug}/settings/sso`);
    await page.getByLabel("Name").fill("Jo at Customer IT");
    await page.getByRole("button", { name: "Create setup link" }).click();
    const url = await page.getByRole("textbox", { name: "Setup link" }).inputValue();
    await capture(page, testInfo, "l01-owner-setup-link-created");

    // The IT admin's pages, in a browser of their own: SSO (empty), then a link of each other purpose.
    const it = await (await browser.newContext({ baseURL: state.baseURL, viewport: { width: vp.width, height: vp.height } })).newPage();
    await it.goto(url);
    await expect(it.getByRole("heading", { name: /Set up single sign-on/ })).toBeVisible();
    await capture(it, testInfo, "l02-it-admin-sso-empty");
    const owner = memberActor(ws.ownerId, "owner");
    for (const purpose of ["domains", "directory"] as const) {
      const l = await createSetupLink(db, ws.id, { purpose, name: `IT ${purpose}` }, owner, { appUrl: state.baseURL });
      await it.goto(l.url);
      await expect(
        it.getByRole("heading", { name: purpose === "domains" ? /Verify email domains/ : /Set up directory sync/ }),
      ).toBeVisible();
      await capture(it, testInfo, `l03-it-admin-${purpose}`);
    }
    await it.goto(`${state.baseURL}/setup#${"x".repeat(43)}`);
    await expect(it.getByRole("heading", { name: "This setup link is not valid" })).toBeVisible();
    await capture(it, testInfo, "l04-setup-link-not-valid");

    // A link whose IT admin finished: the owners' banner on the SSO page, and its status in the list.
    const done = await createSetupLink(db, ws.id, { purpose: "sso", name: "Sam at Customer IT" }, owner, { appUrl: state.baseURL });
    const resolved = (await resolveSetupLinkToken(db, done.token))!;
    const idp = createDevIdp({ entityId: `https://idp-${ws.slug}.test/entity` });
    const c = await createSetupLinkConnection(db, resolved, {
      name: "Okta",
      slug: `${ws.slug}-okta-${vp.width}`,
      idpType: "okta",
      metadataXml: idp.metadataXml(`https://idp-${ws.slug}.test/sso`),
    });
    await markSetupLinkCompleted(db, done.link.id, { connectionId: c.id });
    await page.goto(`/w/${ws.slug}/settings/sso`);
    await expect(page.getByRole("status").filter({ hasText: "Setup link “Sam at Customer IT” completed" })).toBeVisible();
    await capture(page, testInfo, "l05-owner-setup-link-completed-banner");
  });

  test("encrypted assertions on the connection page: off, on with the certificate, a staged rotation", async ({
    page,
    db,
    makeWorkspace,
  }, testInfo) => {
    const ws = await makeWorkspace({ name: "Encrypted Assertions Ltd" });
    const idp = await startLoopbackIdp();
    try {
      const workspace = (await findWorkspaceBySlug(db, ws.slug))!;
      const [owner] = await db.query.memberships.findMany({ where: (m, { eq }) => eq(m.workspaceId, workspace.id) });
      const actor = memberActor(owner!.userId, "owner");
      const c = await createConnection(
        db,
        workspace.id,
        connectionCreateSchema.parse({ name: "Okta", slug: `${ws.slug}-okta`, idpType: "okta", metadataXml: idp.metadataXml }),
        actor,
      );
      await signInWithPassword(page, ws.ownerEmail, ws.ownerPassword);
      await page.waitForURL(/\/w\//);
      await page.goto(`/w/${ws.slug}/settings/sso/${c.id}#encryption`);
      await expect(page.getByText("No encryption key yet.")).toBeVisible();
      await capture(page, testInfo, "e01-encryption-off");
      await updateConnection(db, workspace.id, c.id, { version: c.version, requireEncryptedAssertions: true }, actor);
      await page.reload();
      await expect(page.getByLabel("Encryption certificate (PEM)")).toContainText("BEGIN CERTIFICATE");
      await capture(page, testInfo, "e02-encryption-on");
      // (The SP signing keys card has its own "Stage new key".)
      await page.getByRole("list", { name: "Encryption key rotation" }).getByRole("button", { name: "Stage new key" }).click();
      await expect(page.getByLabel("Staged encryption certificate (PEM)")).toContainText("BEGIN CERTIFICATE");
      await capture(page, testInfo, "e03-encryption-staged");
    } finally {
      await idp.close();
    }
  });
});
