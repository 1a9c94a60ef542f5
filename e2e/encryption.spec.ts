import { expect, signInWithPassword, test } from "./support/fixtures";

/**
 * Encrypted assertions in the console: the owner turns them on for a connection to the built-in IdP,
 * the SP metadata publishes the encryption certificate, and a test sign-in succeeds with the built-in
 * IdP encrypting the assertion to it (the posted SAMLResponse carries an EncryptedAssertion).
 */
test.describe("Encrypted assertions", () => {
  test("owner turns on encryption; the built-in IdP encrypts; the test sign-in succeeds; plaintext is refused after", async ({
    page,
    makeWorkspace,
    state,
  }, testInfo) => {
    const ws = await makeWorkspace({ name: "Encrypt Co" });
    await signInWithPassword(page, ws.ownerEmail, ws.ownerPassword);
    await page.waitForURL(/\/w\//);

    // A connection to the built-in IdP from its metadata URL (guided setup).
    await page.goto(`/w/${ws.slug}/settings/sso`);
    await page.getByRole("link", { name: "Add connection" }).click();
    await page.locator("label", { hasText: "Built-in test IdP" }).click();
    await page.getByLabel("Connection name").fill("Encrypting IdP");
    await expect(page.getByText("✓ Available")).toBeVisible();
    await page.getByRole("button", { name: "Create and continue" }).click();
    await page.waitForURL(/\/setup\?step=2/);
    const connectionUrl = page.url().replace(/\/setup\?step=2$/, "");
    const slug = `${ws.slug}-encrypting-idp`;
    await page.getByRole("link", { name: /Next: add/ }).click();
    await page.getByRole("textbox", { name: /Metadata URL/ }).fill(`${state.baseURL}/dev/idp/metadata`);
    await expect(page.getByText("Metadata read. Gatehouse will trust:")).toBeVisible({ timeout: 15_000 });
    await page.getByRole("button", { name: "Save and continue" }).click();
    await page.waitForURL(/\/setup\?step=4/);

    // The connection page: encryption is off, no key yet.
    await page.goto(connectionUrl);
    const card = page.locator("#encryption").locator("xpath=..");
    await expect(card.getByText("No encryption key yet.")).toBeVisible();
    await card.scrollIntoViewIfNeeded();
    await card.screenshot({ path: testInfo.outputPath("enc01-off.png") });
    expect(await (await page.request.get(`/auth/sso/saml/${slug}/metadata`)).text()).not.toContain('use="encryption"');

    // Turn it on (keyboard): a key is created, its certificate shown with copy and download.
    const toggle = page.getByRole("switch", { name: /Require encrypted assertions/ });
    await toggle.focus();
    await page.keyboard.press("Space");
    await expect(page.getByTestId("toast").filter({ hasText: "Encrypted assertions required" })).toBeVisible();
    await expect(toggle).toHaveAttribute("aria-checked", "true");
    await expect(card.getByLabel("Encryption certificate (PEM)")).toContainText("BEGIN CERTIFICATE");
    await expect(card.getByRole("button", { name: "Copy encryption certificate" })).toBeVisible();
    const download = page.waitForEvent("download");
    await card.getByRole("link", { name: "Download certificate" }).click();
    expect((await download).suggestedFilename()).toBe(`gatehouse-${slug}-encryption.pem`);
    await card.screenshot({ path: testInfo.outputPath("enc02-on.png") });
    const metadata = await (await page.request.get(`/auth/sso/saml/${slug}/metadata`)).text();
    expect(metadata).toContain('<md:KeyDescriptor use="encryption">');

    // Test sign-in: the built-in IdP reads our metadata and encrypts the assertion to that certificate.
    const popupPromise = page.context().waitForEvent("page");
    await page.getByRole("link", { name: /Run test sign-in/ }).click();
    const popup = await popupPromise;
    const posted: string[] = [];
    popup.on("request", (r) => {
      if (r.method() === "POST" && r.url().endsWith(`/auth/sso/saml/${slug}/acs`)) posted.push(r.postData() ?? "");
    });
    await popup.getByLabel("Email").fill(`jane@encrypt-${ws.slug}.test`);
    await popup.getByRole("button", { name: "Sign in" }).click();
    await popup.waitForURL(/\/test\/[0-9a-f-]{36}$/);
    await expect(popup.getByRole("heading", { name: "Test sign-in succeeded" })).toBeVisible();
    await popup.screenshot({ path: testInfo.outputPath("enc03-test-succeeded.png"), fullPage: true });
    expect(posted).toHaveLength(1);
    const samlResponse = new URLSearchParams(posted[0]).get("SAMLResponse")!;
    const xml = Buffer.from(samlResponse, "base64").toString("utf8");
    expect(xml).toContain("EncryptedAssertion");
    expect(xml).toContain("http://www.w3.org/2009/xmlenc11#aes256-gcm");
    expect(xml).not.toContain(`jane@encrypt-${ws.slug}.test`); // the identity is not readable in transit
    await popup.close();

    // Rotation controls: stage a second key; both certificates are shown.
    await page.reload();
    await card.getByRole("button", { name: "Stage new key" }).click();
    await expect(page.getByTestId("toast").filter({ hasText: "New encryption key staged" })).toBeVisible();
    await expect(card.getByLabel("Staged encryption certificate (PEM)")).toContainText("BEGIN CERTIFICATE");
    await expect(card.getByRole("button", { name: "Activate new key" })).toBeEnabled();
    await card.screenshot({ path: testInfo.outputPath("enc04-staged.png") });
  });
});
