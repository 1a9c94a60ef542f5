import { X509Certificate } from "node:crypto";
import type { Page, TestInfo } from "@playwright/test";
import { connectionCreateSchema } from "../lib/schemas/connections";
import { OPERATOR } from "../lib/services/actor";
import { addVerifiedDomain } from "../lib/testing/fixtures";
import { createConnection, getConnectionOrThrow, updateConnection } from "../lib/services/connections";
import type { Db } from "../db";
import { expect, signInWithPassword, test } from "./support/fixtures";
import { startTrustIdp } from "./support/trust-idp";

/**
 * Trust in what the console shows (issue 15, items 6–10 and 14): health that strangers cannot move,
 * one status everywhere, expected vs actual on a failed test, metadata URL errors that say what to
 * do, unique connection names, real IdP marks and the wizard's "Done".
 */

async function shot(page: Page, testInfo: TestInfo, name: string) {
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
}

async function addConnection(db: Db, workspaceId: string, input: { name: string; slug: string; idpType?: string; metadataXml?: string }) {
  return createConnection(db, workspaceId, connectionCreateSchema.parse({ idpType: "okta", ...input }), OPERATOR);
}

/**
 * A connection made the way an owner makes it (the wizard's step 1): the server generates its SP
 * signing key with its own secret. The IdP metadata is then stored directly when given.
 */
async function createInWizard(page: Page, db: Db, ws: { slug: string; id: string }, name: string, metadataXml?: string) {
  await page.goto(`/w/${ws.slug}/settings/sso/new`);
  await page.locator("label", { hasText: "Okta Workforce Identity" }).click();
  await page.getByLabel("Connection name").fill(name);
  await expect(page.getByText("✓ Available")).toBeVisible();
  await page.getByRole("button", { name: "Create and continue" }).click();
  await page.waitForURL(/\/setup\?step=2/);
  const id = /\/sso\/([0-9a-f-]{36})\/setup/.exec(page.url())![1]!;
  const c = await getConnectionOrThrow(db, ws.id, id);
  return metadataXml ? updateConnection(db, ws.id, id, { version: c.version, metadataXml }, OPERATOR) : c;
}

/** Run the console's test sign-in from the page (a new tab goes to the loopback IdP and back). */
async function runTest(page: Page) {
  const popupPromise = page.context().waitForEvent("page");
  await page.getByRole("link", { name: /Run test sign-in/ }).click();
  const popup = await popupPromise;
  // Wait for the IdP's page (the SP's own POST-binding page may also show a "Continue" button on the way).
  await expect(popup.getByRole("heading", { name: "Loopback IdP" })).toBeVisible();
  await popup.getByRole("button", { name: "Continue" }).click();
  await popup.waitForURL(/\/test\/[0-9a-f-]{36}$/);
  return popup;
}

test.describe("console trust", () => {
  test("item 6: garbage POSTs to the ACS do not turn a healthy connection red; a connection whose only test failed is not Active; item 14: step 4 ends with Done", async ({
    page,
    db,
    makeWorkspace,
  }, testInfo) => {
    test.setTimeout(420_000);
    const ws = await makeWorkspace({ name: "Trust Co" });
    const idp = await startTrustIdp();
    try {
      await signInWithPassword(page, ws.ownerEmail, ws.ownerPassword);
      await page.waitForURL(/\/w\//);
      const healthy = await createInWizard(page, db, ws, "Okta", idp.metadataXml);
      const broken = await createInWizard(page, db, ws, "Okta (staging)", idp.metadataXml);

      // A successful test sign-in in the wizard's step 4 → the "Done" state says what happens next.
      await page.goto(`/w/${ws.slug}/settings/sso/${healthy.id}/setup?step=4`);
      const popup = await runTest(page);
      await expect(popup.getByRole("heading", { name: "Test sign-in succeeded" })).toBeVisible();
      await popup.close();
      const done = page.getByTestId("setup-done");
      await expect(done.getByRole("heading", { name: "Done: Okta works" })).toBeVisible();
      await expect(done.getByRole("link", { name: "Verify your email domain and route it to Okta" })).toBeVisible();
      await expect(done.getByRole("link", { name: "Invite people" })).toHaveAttribute("href", `/w/${ws.slug}/settings/members`);
      await expect(done.getByRole("link", { name: "enforce SSO" })).toBeVisible();
      await expect(page.getByRole("navigation", { name: "Setup progress" }).getByText("(done)")).toHaveCount(4);
      await shot(page, testInfo, "01-setup-done");

      // Strangers post garbage, an unsigned response and a forgery (signed by another key) to the ACS.
      const acs = `/auth/sso/saml/${healthy.slug}/acs`;
      const forged = idp.other.createResponse({ acsUrl: new URL(acs, page.url()).toString(), audience: "x", nameId: "evil@trust.test" });
      for (const SAMLResponse of ["garbage", Buffer.from("<x/>").toString("base64"), forged]) {
        const r = await page.request.post(acs, { form: { SAMLResponse }, maxRedirects: 0 });
        expect(r.status()).toBeGreaterThanOrEqual(400);
      }
      await page.goto(`/w/${ws.slug}/settings/sso`);
      const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: "Okta", exact: true }) });
      await expect(row.getByText("Active", { exact: true })).toBeVisible();
      await expect(row.getByText("3 unsigned or malformed requests refused")).toBeVisible();
      await expect(row.getByText("Failing")).toHaveCount(0);

      // The other connection's only test fails (the IdP signed with a certificate it does not trust): not "Active".
      idp.state.mode = "wrong-key";
      await page.goto(`/w/${ws.slug}/settings/sso/${broken.id}`);
      const failed = await runTest(page);
      await expect(failed.getByRole("heading", { name: "Test sign-in failed" })).toBeVisible();
      await failed.close();
      await page.goto(`/w/${ws.slug}/settings/sso`);
      const brokenRow = page.getByRole("row").filter({ has: page.getByRole("link", { name: "Okta (staging)" }) });
      await expect(brokenRow.getByText("Failing", { exact: true })).toBeVisible();
      await expect(brokenRow.getByText("Active", { exact: true })).toHaveCount(0);
      await shot(page, testInfo, "02-list-unsigned-vs-failing");

      // The healthy connection's page agrees, and says why the garbage is not a failure.
      await page.goto(`/w/${ws.slug}/settings/sso/${healthy.id}`);
      await expect(page.getByTestId("health-failures")).toHaveText("0");
      await expect(page.getByTestId("health-unsigned")).toContainText("3 unsigned or malformed requests refused");
      await expect(page.getByTestId("connection-status")).toContainText("Active");
      await shot(page, testInfo, "03-connection-unsigned");
    } finally {
      await idp.close();
    }
  });

  test("item 7: a connection with no IdP metadata is 'Needs IdP metadata' in the list, on its page and at login discovery", async ({
    page,
    db,
    makeWorkspace,
  }, testInfo) => {
    test.setTimeout(420_000);
    const ws = await makeWorkspace({ name: "Status Co" });
    const idp = await startTrustIdp();
    try {
      const c = await addConnection(db, ws.id, { name: "Okta", slug: `${ws.slug}-okta` });
      const domain = `${ws.slug}.test`;
      // Verified and routed as the domains feature leaves it: checked just now, so the scheduler's DNS
      // re-check (every 5 min, for domains never checked) does not mark it failing mid-test.
      await addVerifiedDomain(db, ws.id, domain, c.id);
      await signInWithPassword(page, ws.ownerEmail, ws.ownerPassword);
      await page.waitForURL(/\/w\//);

      await page.goto(`/w/${ws.slug}/settings/sso`);
      const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: "Okta", exact: true }) });
      await expect(row.getByText("Needs IdP metadata")).toBeVisible();
      await expect(row.getByText("Active", { exact: true })).toHaveCount(0);

      await page.goto(`/w/${ws.slug}/settings/sso/${c.id}`);
      await expect(page.getByTestId("connection-status")).toContainText("Needs IdP metadata");
      await expect(page.getByText("Switched on, but nobody can sign in until the IdP metadata is added.")).toBeVisible();
      await expect(page.getByText(/Users can sign in/)).toHaveCount(0);
      await shot(page, testInfo, "01-needs-metadata");

      // Login discovery agrees: the routed domain does not offer SSO through a connection that cannot sign anyone in.
      const visitor = await page.context().browser()!.newPage();
      await visitor.goto("/login");
      await visitor.getByLabel("Work email").fill(`jane.doe@${domain}`);
      await visitor.getByRole("button", { name: "Continue" }).click();
      await expect(visitor.getByLabel("Password")).toBeVisible();
      await expect(visitor.getByRole("button", { name: /Continue with/ })).toHaveCount(0);

      // Once configured, all three say so together.
      await updateConnection(db, ws.id, c.id, { version: c.version, metadataXml: idp.metadataXml }, OPERATOR);
      await page.reload();
      await expect(page.getByTestId("connection-status")).toContainText("Active");
      await expect(page.getByText("Users can sign in through this connection.")).toBeVisible();
      await visitor.goto("/login");
      await visitor.getByLabel("Work email").fill(`jane.doe@${domain}`);
      await visitor.getByRole("button", { name: "Continue" }).click();
      await expect(visitor.getByRole("button", { name: "Continue with Okta" })).toBeVisible();
      await visitor.close();
    } finally {
      await idp.close();
    }
  });

  test("item 8: a failed test shows the configured certificate beside the one that signed, and both audience values, with copy buttons", async ({
    page,
    db,
    makeWorkspace,
  }, testInfo) => {
    test.setTimeout(420_000);
    const ws = await makeWorkspace({ name: "Cert Co" });
    const idp = await startTrustIdp();
    try {
      await signInWithPassword(page, ws.ownerEmail, ws.ownerPassword);
      await page.waitForURL(/\/w\//);
      const c = await createInWizard(page, db, ws, "Okta", idp.metadataXml);
      await page.goto(`/w/${ws.slug}/settings/sso/${c.id}`);

      idp.state.mode = "wrong-key";
      const result = await runTest(page);
      await expect(result.getByRole("heading", { name: "Test sign-in failed" })).toBeVisible();
      await expect(result.getByText("SAML_SIGNATURE_INVALID").first()).toBeVisible();
      const configured = new X509Certificate(idp.idp.certificatePem).fingerprint256;
      const signer = new X509Certificate(idp.other.certificatePem).fingerprint256;
      await expect(result.getByRole("heading", { name: "Which certificate signed" })).toBeVisible();
      await expect(result.getByTestId("expected-certificates")).toContainText(configured);
      await expect(result.getByTestId("actual-certificates")).toContainText(signer);
      await expect(result.getByTestId("expected-certificates")).toContainText("CN=Gatehouse Dev IdP");
      await expect(result.getByRole("button", { name: `Copy the fingerprint ${configured}` })).toBeVisible();
      await expect(result.getByRole("button", { name: `Copy the fingerprint ${signer}` })).toBeVisible();
      await shot(result, testInfo, "01-signature-mismatch");
      await result.close();

      idp.state.mode = "wrong-audience";
      const audience = await runTest(page);
      await expect(audience.getByText("SAML_AUDIENCE_MISMATCH").first()).toBeVisible();
      const expectedAudience = new URL(`/auth/sso/saml/${c.slug}`, page.url()).toString();
      await expect(audience.getByRole("button", { name: `Copy the expected value ${expectedAudience}` })).toBeVisible();
      await expect(
        audience.getByRole("button", { name: "Copy the actual value https://some-other-app.example/saml/metadata" }),
      ).toBeVisible();
      await shot(audience, testInfo, "02-audience-mismatch");
      await audience.close();
    } finally {
      await idp.close();
    }
  });

  test("item 9: metadata URL errors say what is wrong and what to do; 'not a url' inline; Refresh works", async ({
    page,
    db,
    makeWorkspace,
  }, testInfo) => {
    test.setTimeout(420_000);
    const ws = await makeWorkspace({ name: "Url Co" });
    const idp = await startTrustIdp();
    try {
      const c = await addConnection(db, ws.id, { name: "Okta", slug: `${ws.slug}-okta` });
      await signInWithPassword(page, ws.ownerEmail, ws.ownerPassword);
      await page.waitForURL(/\/w\//);
      await page.goto(`/w/${ws.slug}/settings/sso/${c.id}/setup?step=3`);
      const url = page.locator("#md-url");

      await url.fill("not a url");
      await expect(page.getByText("Enter the full metadata URL, starting with https://")).toBeVisible();
      await expect(url).toHaveAttribute("aria-invalid", "true");
      await shot(page, testInfo, "01-not-a-url");

      await url.fill("http://169.254.169.254/");
      const alert = page.getByRole("alert").filter({ hasText: "SAML_METADATA_FETCH_FAILED" });
      await expect(alert).toContainText("169.254.169.254 is a link-local or cloud metadata address");
      await expect(alert).not.toContainText("only https");
      await shot(page, testInfo, "02-link-local");

      await url.fill(`${idp.base}/admin`);
      await expect(alert).toContainText("this is a web page (HTML), not SAML metadata");
      await expect(alert).toContainText("starts with <EntityDescriptor");

      // The IdP fixes its URL: "Refresh" reads it again.
      await url.fill(`${idp.base}/flaky-metadata`);
      await expect(alert).toContainText("this is a web page (HTML), not SAML metadata");
      await shot(page, testInfo, "03-html-page-refresh");
      idp.state.fixed = true;
      await page.getByRole("button", { name: "Refresh" }).click();
      await expect(page.getByText("Metadata read. Gatehouse will trust:")).toBeVisible();
    } finally {
      await idp.close();
    }
  });

  test("item 10: the wizard says the name is shown to end users and refuses a duplicate name inline; item 14: real IdP marks", async ({
    page,
    db,
    makeWorkspace,
  }, testInfo) => {
    test.setTimeout(420_000);
    const ws = await makeWorkspace({ name: "Name Co" });
    await addConnection(db, ws.id, { name: "okta", slug: `${ws.slug}-first` });
    await signInWithPassword(page, ws.ownerEmail, ws.ownerPassword);
    await page.waitForURL(/\/w\//);
    await page.goto(`/w/${ws.slug}/settings/sso/new`);

    // Real marks where simple-icons has them, a neutral mark for the rest, each with an accessible name.
    await expect(page.getByRole("img", { name: "Okta logo" })).toHaveAttribute("data-idp-mark", "okta");
    await expect(page.getByRole("img", { name: "Google Workspace logo" })).toHaveAttribute("data-idp-mark", "google");
    await expect(page.getByRole("img", { name: "Auth0 logo" })).toHaveAttribute("data-idp-mark", "auth0");
    await expect(page.getByRole("img", { name: "Microsoft Entra ID logo" })).toHaveAttribute("data-idp-mark", "generic");

    await page.locator("label", { hasText: "Okta Workforce Identity" }).click();
    await expect(page.getByText("They see its name on the login page.")).toBeVisible();
    await expect(page.getByText(/Shown to your people on the login page as “Continue with Okta”/)).toBeVisible();
    await page.getByLabel("Connection name").fill("OKTA");
    await page.getByRole("button", { name: "Create and continue" }).click();
    await expect(page.getByText("Another connection of this workspace has this name: people could not tell them apart")).toBeVisible();
    await expect(page.getByLabel("Connection name")).toHaveAttribute("aria-invalid", "true");
    await shot(page, testInfo, "01-duplicate-name");

    await page.getByLabel("Connection name").fill("Okta (contractors)");
    await page.getByRole("button", { name: "Create and continue" }).click();
    await page.waitForURL(/\/setup\?step=2/);
  });
});
