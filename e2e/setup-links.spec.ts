import type { Page, TestInfo } from "@playwright/test";
import { expect, signInWithPassword, test } from "./support/fixtures";

/** Full-page screenshot into the test's output folder (a CI artifact); numbered in journey order. */
async function shot(page: Page, testInfo: TestInfo, name: string) {
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
}

test.describe("setup links", () => {
  test("journey: owner creates a setup link → IT admin opens it in a fresh browser → adds the built-in IdP by metadata → test sign-in succeeds → owner sees the banner → revoked link stops", async ({
    page,
    browser,
    makeWorkspace,
    state,
  }, testInfo) => {
    test.setTimeout(480_000);
    const ws = await makeWorkspace({ name: "Setup Link Co" });
    // 1. The owner creates a setup link for SSO and copies its URL (shown once).
    await signInWithPassword(page, ws.ownerEmail, ws.ownerPassword);
    await page.waitForURL(/\/w\//);
    await page.goto(`/w/${ws.slug}/settings/sso`);
    await expect(page.getByText("No setup links yet.")).toBeVisible();
    await page.getByLabel("Name").fill("Jo at Customer IT");
    await page.getByLabel("Purpose").selectOption("sso");
    await page.getByLabel("Expires in (days)").fill("3");
    await page.getByRole("button", { name: "Create setup link" }).click();
    const urlField = page.getByRole("textbox", { name: "Setup link" });
    await expect(urlField).toBeVisible();
    const url = await urlField.inputValue();
    expect(url).toMatch(new RegExp(`^${state.baseURL}/setup#[A-Za-z0-9_-]{43}$`));
    await expect(page.getByRole("row", { name: /Jo at Customer IT/ }).getByText("Active")).toBeVisible();
    await shot(page, testInfo, "s01-owner-link-created");

    // 2. The IT admin opens it in a fresh browser (no Gatehouse account): the fragment leaves the address bar.
    const itContext = await browser.newContext({ baseURL: state.baseURL });
    const it = await itContext.newPage();
    await it.goto(url);
    await expect(it.getByRole("heading", { name: "Set up single sign-on for Setup Link Co" })).toBeVisible();
    await expect(it).toHaveURL(`${state.baseURL}/setup`);
    await shot(it, testInfo, "s02-it-admin-home");

    // 3. The same guided setup as the console: the built-in IdP by its metadata URL.
    await it.getByRole("link", { name: "Add a connection" }).click();
    await it.locator("label", { hasText: "Built-in test IdP" }).click();
    await it.getByLabel("Connection name").fill("Demo IdP");
    await expect(it.getByText("✓ Available")).toBeVisible();
    // No role above the workspace default is offered.
    await expect(it.getByLabel("Default role").locator("option")).toHaveText(["Viewer"]);
    await shot(it, testInfo, "s03-it-admin-new-connection");
    await it.getByRole("button", { name: "Create and continue" }).click();
    await it.waitForURL(/\/setup\/sso\/[0-9a-f-]{36}\?step=2$/);
    await shot(it, testInfo, "s04-it-admin-register-values");
    await it.getByRole("link", { name: /Next: add/ }).click();
    await it.getByRole("textbox", { name: /Metadata URL/ }).fill(`${state.baseURL}/dev/idp/metadata`);
    await expect(it.getByText("Metadata read. Gatehouse will trust:")).toBeVisible({ timeout: 15_000 });
    await it.getByRole("button", { name: "Save and continue" }).click();
    await it.waitForURL(/\/setup\/sso\/[0-9a-f-]{36}\?step=4$/);

    // 4. Test sign-in through the built-in IdP: the result lands on the setup page.
    const popupPromise = it.context().waitForEvent("page");
    await it.getByRole("link", { name: /Run test sign-in/ }).click();
    const popup = await popupPromise;
    await popup.waitForURL(/\/dev\/idp\/sso\/choose/, { timeout: 60_000 });
    await expect(popup.getByLabel("Email")).toBeVisible({ timeout: 60_000 });
    await popup.getByLabel("Email").fill(`it.admin@${ws.slug}.test`);
    await popup.getByRole("button", { name: "Sign in" }).click();
    await popup.waitForURL(/\/setup\/test\/[0-9a-f-]{36}$/);
    await expect(popup.getByRole("heading", { name: "Test sign-in succeeded" })).toBeVisible();
    await shot(popup, testInfo, "s05-it-admin-test-result");
    await popup.close();
    await expect(it.getByText("Result:")).toBeVisible();

    // 5. The owner sees the banner, the link completed, the inactive unapproved connection, and the audit entries.
    await page.goto(`/w/${ws.slug}/settings/sso`);
    const banner = page.getByRole("status").filter({ hasText: "Setup link “Jo at Customer IT” completed" });
    await expect(banner).toBeVisible();
    await expect(banner.getByRole("link", { name: "Demo IdP" })).toBeVisible();
    await expect(banner).toContainText("trust not approved, inactive");
    await expect(page.getByRole("row", { name: /Jo at Customer IT/ }).getByText("Completed")).toBeVisible();
    await shot(page, testInfo, "s06-owner-banner");
    await page.goto(`/w/${ws.slug}/settings/audit`);
    await expect(page.getByText("setup link Jo at Customer IT").first()).toBeVisible();

    // 6. The owner revokes the link: the IT admin's already-opened browser stops at once.
    await page.goto(`/w/${ws.slug}/settings/sso`);
    await page.getByRole("button", { name: "Revoke setup link Jo at Customer IT" }).click();
    await page.getByRole("button", { name: "Revoke link" }).click();
    await expect(page.getByRole("row", { name: /Jo at Customer IT/ }).getByText("Revoked")).toBeVisible();
    await it.goto("/setup");
    await expect(it.getByRole("heading", { name: "This setup link is not valid" })).toBeVisible();
    await it.goto(url);
    await expect(it.getByRole("heading", { name: "This setup link is not valid" })).toBeVisible();
    await shot(it, testInfo, "s07-link-not-valid");
    await itContext.close();
  });
});
