import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page, TestInfo } from "@playwright/test";
import { eq } from "drizzle-orm";
import { users } from "../db/schema";
import { hashPassword } from "../lib/auth/password";
import { createDevIdp } from "../lib/dev-idp";
import { setTxtRecord } from "./support/dns";
import { expect, routeTo, signInWithPassword, test } from "./support/fixtures";

/** Full-page screenshot into the test's output folder (a CI artifact); numbered in journey order. */
async function shot(page: Page, testInfo: TestInfo, name: string) {
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
}

/**
 * A stand-in corporate IdP on loopback (real signatures from lib/dev-idp): serves metadata and
 * answers the AuthnRequest with a page whose "Continue" button posts the signed response.
 */
async function startLoopbackIdp(user: { email: string; firstName: string; lastName: string; groups: string[] }) {
  const idp = createDevIdp({ entityId: "http://idp.loopback.test/entity" });
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
        audience: request.issuer!,
        inResponseTo: request.id,
        nameId: user.email,
        attributes: { email: user.email, firstName: user.firstName, lastName: user.lastName, groups: user.groups },
      });
      const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
      res
        .writeHead(200, { "content-type": "text/html; charset=utf-8" })
        .end(
          `<!doctype html><title>Loopback IdP</title><h1>Loopback IdP</h1><p>Signing in ${esc(user.email)}</p>` +
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
  return { idp, metadataXml: idp.metadataXml(ssoUrl), close: () => new Promise<void>((r) => server.close(() => r())) };
}

test.describe("SSO console", () => {
  test("guided Okta setup by metadata XML: SP values in Okta's words, preview, test sign-in, role mapping, conflict-safe edits, delete", async ({
    page,
    makeWorkspace,
  }, testInfo) => {
    const ws = await makeWorkspace({ name: "Console Co" });
    const idp = await startLoopbackIdp({
      email: `ada@${ws.slug}.test`,
      firstName: "Ada",
      lastName: "Lovelace",
      groups: ["Everyone", "Engineering"],
    });
    try {
      await signInWithPassword(page, ws.ownerEmail, ws.ownerPassword);
      await page.waitForURL(/\/w\//);
      await page.goto(`/w/${ws.slug}/settings/sso`);
      await expect(page.getByRole("heading", { name: "Add a connection for your identity provider" })).toBeVisible();
      await shot(page, testInfo, "01-sso-empty");

      await page.getByRole("link", { name: "Add connection" }).click();
      await page.locator("label", { hasText: "Okta Workforce Identity" }).click();
      await expect(page.getByLabel("Connection name")).toHaveValue("Okta");
      await expect(page.getByLabel("Slug")).toHaveValue(`${ws.slug}-okta`);
      await expect(page.getByText("✓ Available")).toBeVisible();
      await shot(page, testInfo, "02-new-connection");
      await page.getByRole("button", { name: "Create and continue" }).click();

      await page.waitForURL(/\/setup\?step=2/);
      const connectionUrl = page.url().replace(/\/setup\?step=2$/, "");
      const slug = `${ws.slug}-okta`;
      const entityId = new URL(`/auth/sso/saml/${slug}`, page.url()).toString();
      await expect(page.getByRole("textbox", { name: "Single sign-on URL", exact: true })).toHaveValue(`${entityId}/acs`);
      await expect(page.getByRole("textbox", { name: "Audience URI (SP Entity ID)" })).toHaveValue(entityId);
      await expect(page.getByRole("link", { name: "Download certificate (.pem)" }).first()).toBeVisible();
      await expect(page.getByRole("cell", { name: "user.email" })).toBeVisible();
      await shot(page, testInfo, "03-register-in-okta");

      await page.getByRole("link", { name: /Next: add Okta/ }).click();
      await page.getByRole("tab", { name: "Metadata XML" }).click();
      await page.getByLabel("IdP metadata XML").fill("<EntityDescriptor>not really</EntityDescriptor>");
      await expect(page.getByRole("alert").filter({ hasText: "SAML_METADATA_INVALID" })).toBeVisible();
      await shot(page, testInfo, "04-metadata-invalid");
      await page.getByLabel("IdP metadata XML").fill(idp.metadataXml);
      await expect(page.getByText("Metadata read. Gatehouse will trust:")).toBeVisible();
      await expect(page.getByRole("status").getByText("http://idp.loopback.test/entity")).toBeVisible();
      await shot(page, testInfo, "05-metadata-preview");
      await page.getByRole("button", { name: "Save and continue" }).click();

      await page.waitForURL(/\/setup\?step=4/);
      const popupPromise = page.context().waitForEvent("page");
      await page.getByRole("link", { name: /Run test sign-in/ }).click();
      const popup = await popupPromise;
      await popup.getByRole("button", { name: "Continue" }).click();
      await popup.waitForURL(/\/test\/[0-9a-f-]{36}$/);
      await expect(popup.getByRole("heading", { name: "Test sign-in succeeded" })).toBeVisible();
      await expect(popup.getByRole("cell", { name: "groups" })).toBeVisible();
      await expect(popup.getByText("Engineering", { exact: true })).toBeVisible();
      await shot(popup, testInfo, "06-test-result");
      await popup.close();
      await expect(page.getByText("Result:")).toBeVisible();
      await shot(page, testInfo, "07-setup-test-step");

      // Role mapping: Engineering → admin, previewed then saved.
      await page.goto(connectionUrl);
      await page.getByRole("button", { name: "Add rule" }).click();
      await page.getByLabel("has value").fill("Engineering");
      await page.getByLabel("gives role").selectOption("admin");
      await page.getByLabel("Sample values (comma-separated)").fill("Everyone, Engineering");
      await page.getByRole("button", { name: "Preview role" }).click();
      await expect(page.getByText(/by the rule/)).toContainText("admin");
      await page.getByRole("button", { name: "Save role mapping" }).click();
      await expect(page.getByTestId("toast").filter({ hasText: "Role mapping saved" })).toBeVisible();
      await shot(page, testInfo, "08-connection-page");

      // Conflict-safe: another tab saves first; this tab's stale save is refused, not applied.
      const other = await page.context().newPage();
      await other.goto(connectionUrl);
      await other.getByRole("switch", { name: /Active/ }).click();
      await expect(other.getByTestId("toast").filter({ hasText: "Connection deactivated" })).toBeVisible();
      await page.getByLabel("Connection name").fill("Okta (renamed)");
      await page.getByRole("button", { name: "Save settings" }).click();
      await expect(page.getByText("Someone else changed this connection since you opened the page.")).toBeVisible();
      await shot(page, testInfo, "09-version-conflict");
      await other.close();

      // Event log → detail.
      await page.reload();
      await page.locator("#events").scrollIntoViewIfNeeded();
      await page
        .getByRole("link", { name: /^Details/ })
        .first()
        .click();
      await expect(page.getByText("Test mode: no session, nobody provisioned")).toBeVisible();
      await page.goBack();

      // Delete with typed confirmation.
      await page.getByRole("button", { name: "Delete connection…" }).click();
      const del = page.getByRole("button", { name: "Delete this connection" });
      await expect(del).toBeDisabled();
      await page.getByLabel(/to confirm/).fill(slug);
      await del.click();
      await page.waitForURL(new RegExp(`/w/${ws.slug}/settings/sso$`));
      await expect(page.getByRole("heading", { name: "Add a connection for your identity provider" })).toBeVisible();
    } finally {
      await idp.close();
    }
  });

  test("journey: domain verified over DNS → built-in IdP by metadata URL → test sign-in → group mapped to admin → SSO enforced → a new user signs in through discovery as admin → password refused", async ({
    page,
    browser,
    db,
    makeWorkspace,
    state,
  }, testInfo) => {
    const ws = await makeWorkspace({ name: "Journey Co" });
    const corpDomain = `corp-${ws.slug}.test`;
    const jane = `jane@${corpDomain}`;
    // 1. The owner signs in.
    await signInWithPassword(page, ws.ownerEmail, ws.ownerPassword);
    await page.waitForURL(/\/w\//);

    // 2. Add the company domain, publish its TXT record on the loopback DNS server, verify.
    await page.goto(`/w/${ws.slug}/settings/domains`);
    await page.getByLabel("Domain", { exact: true }).fill(corpDomain);
    await page.getByRole("button", { name: "Add domain" }).click();
    const row = page.getByRole("listitem", { name: corpDomain });
    const recordName = await row.getByRole("textbox", { name: "TXT record name" }).inputValue();
    const recordValue = await row.getByRole("textbox", { name: "TXT record value" }).inputValue();
    await setTxtRecord(recordName, [recordValue]);
    await row.getByRole("button", { name: `Verify ${corpDomain}` }).click();
    await expect(row.getByText("Verified", { exact: true })).toBeVisible();
    await shot(page, testInfo, "j00-domain-verified");

    // 3. Create a connection for the built-in IdP from its metadata URL, with the guided setup.
    await page.goto(`/w/${ws.slug}/settings/sso`);
    await page.getByRole("link", { name: "Add connection" }).click();
    await page.locator("label", { hasText: "Built-in test IdP" }).click();
    await page.getByLabel("Connection name").fill("Company IdP");
    await expect(page.getByLabel("Slug")).toHaveValue(`${ws.slug}-company-idp`);
    await expect(page.getByText("✓ Available")).toBeVisible();
    await page.getByLabel("Default role").selectOption("viewer");
    await shot(page, testInfo, "j01-new-connection");
    await page.getByRole("button", { name: "Create and continue" }).click();
    await page.waitForURL(/\/setup\?step=2/);
    const connectionUrl = page.url().replace(/\/setup\?step=2$/, "");
    await shot(page, testInfo, "j02-register-values");
    await page.getByRole("link", { name: /Next: add/ }).click();
    await page.getByRole("textbox", { name: /Metadata URL/ }).fill(`${state.baseURL}/dev/idp/metadata`);
    await expect(page.getByText("Metadata read. Gatehouse will trust:")).toBeVisible({ timeout: 15_000 });
    await shot(page, testInfo, "j03-metadata-url-preview");
    await page.getByRole("button", { name: "Save and continue" }).click();
    await page.waitForURL(/\/setup\?step=4/);

    // 4. Test sign-in: the built-in IdP asserts Jane with her groups; the result lists the attributes.
    const popupPromise = page.context().waitForEvent("page");
    await page.getByRole("link", { name: /Run test sign-in/ }).click();
    const popup = await popupPromise;
    await popup.getByLabel("Email").fill(jane);
    await popup.getByLabel("Groups").fill("everyone, gatehouse-admins");
    await shot(popup, testInfo, "j04-dev-idp");
    await popup.getByRole("button", { name: "Sign in" }).click();
    await popup.waitForURL(/\/test\/[0-9a-f-]{36}$/);
    await expect(popup.getByRole("heading", { name: "Test sign-in succeeded" })).toBeVisible();
    await expect(popup.getByRole("cell", { name: "groups", exact: true })).toBeVisible();
    await expect(popup.getByText("gatehouse-admins", { exact: true })).toBeVisible();
    await shot(popup, testInfo, "j05-test-result");
    await popup.close();
    await expect(page.getByText("Result:")).toBeVisible();

    // 5. Map the IdP group to admin.
    await page.goto(connectionUrl);
    await page.getByRole("button", { name: "Add rule" }).click();
    await page.getByLabel("has value").fill("gatehouse-admins");
    await page.getByLabel("gives role").selectOption("admin");
    await page.getByRole("button", { name: "Save role mapping" }).click();
    await expect(page.getByTestId("toast").filter({ hasText: "Role mapping saved" })).toBeVisible();

    // 6. Route the domain to the connection and enforce SSO for everyone in verified domains.
    await page.goto(`/w/${ws.slug}/settings/domains`);
    await routeTo(row, "Company IdP");
    await expect(row.getByText(`People with @${corpDomain} addresses are sent to Company IdP (`)).toBeVisible();
    await page.getByRole("radio", { name: /Everyone in verified domains/ }).check();
    await page.getByRole("button", { name: "Save enforcement" }).click();
    await expect(page.getByText("SSO enforcement saved")).toBeVisible();
    await shot(page, testInfo, "j06-domains-routed-enforced");
    await page.goto(`/w/${ws.slug}/settings/sso`);
    await expect(page.getByRole("cell", { name: corpDomain })).toBeVisible();
    await shot(page, testInfo, "j06b-connections-list");
    await page.goto(connectionUrl);
    await shot(page, testInfo, "j07-connection-page");

    // 7. The owner signs out.
    await page.getByRole("button", { name: ws.ownerEmail }).click();
    await page.getByRole("menuitem", { name: "Sign out" }).click();
    await page.waitForURL(/\/login/);

    // 8. A new user signs in through discovery and lands in the console as admin.
    const context = await browser.newContext({ baseURL: state.baseURL });
    const janePage = await context.newPage();
    await janePage.goto("/login");
    await janePage.getByLabel("Work email").fill(jane);
    await janePage.getByRole("button", { name: "Continue", exact: true }).click();
    await janePage.getByRole("button", { name: /^Continue with/ }).click();
    await janePage.getByLabel("Email").fill(jane);
    await janePage.getByLabel("Groups").fill("everyone, gatehouse-admins");
    await janePage.getByRole("button", { name: "Sign in" }).click();
    await janePage.waitForURL(new RegExp(`/w/${ws.slug}(/|$)`));
    await janePage.getByRole("button", { name: jane }).click();
    await expect(janePage.getByRole("menu")).toContainText("Role: admin");
    await shot(janePage, testInfo, "j08-new-user-console");
    await janePage.getByRole("menuitem", { name: "Sign out" }).click();
    await janePage.waitForURL(/\/login/);

    // 9. Password sign-in for that email is refused, even with the right password.
    await db
      .update(users)
      .set({ passwordHash: await hashPassword("jane-correct-password") })
      .where(eq(users.email, jane));
    await janePage.goto("/login?password=1");
    await janePage.getByLabel("Work email").fill(jane);
    await janePage.getByRole("button", { name: "Continue", exact: true }).click();
    await janePage.getByLabel("Password").fill("jane-correct-password");
    await janePage.getByRole("button", { name: "Sign in" }).click();
    await expect(janePage.getByRole("alert").filter({ hasText: "requires single sign-on" })).toBeVisible();
    await shot(janePage, testInfo, "j09-password-refused");
    await janePage.goto(`/w/${ws.slug}/settings/sso`);
    await expect(janePage).toHaveURL(/\/login/);
    await context.close();
  });
});
