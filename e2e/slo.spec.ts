import { randomBytes } from "node:crypto";
import type { Page, TestInfo } from "@playwright/test";
import { resetEnvForTests } from "../lib/env";
import { connectionCreateSchema } from "../lib/schemas/connections";
import { createConnection } from "../lib/services/connections";
import { OPERATOR } from "../lib/services/actor";
import { readState } from "./support/state";
import { expect, test } from "./support/fixtures";

// SP keys made here must be readable by the app: use the app's data directory (its dev secrets).
const state = readState();
process.env.APP_ENV = "development";
process.env.APP_URL = state.baseURL;
process.env.DATA_DIR = state.dataDir;
resetEnvForTests();

const uniqueEmail = (prefix: string) => `${prefix}-${randomBytes(4).toString("hex")}@slo-e2e.test`;
const shot = (page: Page, testInfo: TestInfo, name: string) =>
  page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });

/** A workspace with a connection to the built-in IdP, made from its metadata (which lists its SingleLogoutService). */
async function devConnection(
  makeWorkspace: () => Promise<{ slug: string; id: string }>,
  db: Parameters<typeof createConnection>[0],
  baseURL: string,
) {
  const ws = await makeWorkspace();
  const metadataXml = await (await fetch(`${baseURL}/dev/idp/metadata`)).text();
  const slug = `slo-${ws.slug}`;
  const c = await createConnection(
    db,
    ws.id,
    connectionCreateSchema.parse({ name: "Built-in IdP", slug, idpType: "dev", metadataXml }),
    OPERATOR,
  );
  expect(c.idpSloUrl).toBe(`${baseURL}/dev/idp/slo`);
  return { ws, slug };
}

async function ssoSignIn(page: Page, slug: string, wsSlug: string, email: string) {
  await page.goto(`/auth/sso/saml/${slug}/login?return_to=/w/${wsSlug}/settings/members`);
  await expect(page).toHaveURL(/\/dev\/idp\/sso\/choose/);
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${wsSlug}/settings/members`));
  await expect(page.getByRole("navigation", { name: "Workspace settings" })).toBeVisible();
}

test.describe("SAML single logout with the built-in IdP", () => {
  test("SP-initiated: SSO sign-in → Sign out → the IdP answers the LogoutRequest → LogoutResponse → signed-out page", async ({
    page,
    makeWorkspace,
    db,
    baseURL,
  }, testInfo) => {
    const { ws, slug } = await devConnection(makeWorkspace, db, baseURL!);
    const email = uniqueEmail("sp");
    await ssoSignIn(page, slug, ws.slug, email);

    // Every hop of the round trip, in order.
    const hops: string[] = [];
    page.on("request", (r) => {
      if (r.isNavigationRequest()) hops.push(new URL(r.url()).pathname);
    });
    await page.getByRole("button", { name: email }).click();
    await page.getByRole("menuitem", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login\?signed_out=idp$/);
    await expect(page.getByRole("status")).toContainText("your identity provider confirmed that it signed you out too");
    expect(hops).toEqual(["/auth/sign-out", "/dev/idp/slo", `/auth/sso/saml/${slug}/slo`, "/login"]);
    await shot(page, testInfo, "slo-01-signed-out-idp-confirmed");

    // The session is over: the console sends the browser to sign in.
    await page.goto(`/w/${ws.slug}/settings/members`);
    await expect(page).toHaveURL(/\/login/);
  });

  test("IdP-initiated: the built-in IdP's LogoutRequest ends the person's Gatehouse session and gets a signed Success back", async ({
    page,
    makeWorkspace,
    db,
    baseURL,
  }, testInfo) => {
    const { ws, slug } = await devConnection(makeWorkspace, db, baseURL!);
    const email = uniqueEmail("idp");
    await ssoSignIn(page, slug, ws.slug, email);

    // Signing out at the IdP (another tab of the same browser, as the IdP's own page would be).
    const idpTab = await page.context().newPage();
    await idpTab.goto("/dev/idp");
    await idpTab.getByLabel("Connection to sign out of").selectOption(slug);
    await idpTab.getByLabel("Person to sign out (NameID)").fill(email);
    await shot(idpTab, testInfo, "slo-02-dev-idp-logout-form");
    await idpTab.getByRole("button", { name: "Sign out of the application" }).click();
    await expect(idpTab.getByRole("heading", { name: "Signed out of the application" })).toBeVisible();
    await expect(idpTab.getByText("urn:oasis:names:tc:SAML:2.0:status:Success")).toBeVisible();
    await shot(idpTab, testInfo, "slo-03-dev-idp-logout-confirmed");

    // The Gatehouse session in the first tab has ended.
    await page.goto(`/w/${ws.slug}/settings/members`);
    await expect(page).toHaveURL(/\/login/);
  });

  test("the connection page shows the IdP single logout URL and the SP single logout URL; an owner changes it with inline validation", async ({
    page,
    makeWorkspace,
    db,
    baseURL,
  }, testInfo) => {
    const ws = await makeWorkspace();
    const metadataXml = await (await fetch(`${baseURL}/dev/idp/metadata`)).text();
    const slug = `slo-page-${ws.slug}`;
    const c = await createConnection(
      db,
      ws.id,
      connectionCreateSchema.parse({ name: "Built-in IdP", slug, idpType: "dev", metadataXml }),
      OPERATOR,
    );
    const { ownerEmail, ownerPassword } = ws;
    await page.goto("/login?password=1");
    await page.getByLabel("Work email").fill(ownerEmail);
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByLabel("Password").fill(ownerPassword);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(new RegExp(`/w/${ws.slug}/`));
    await page.goto(`/w/${ws.slug}/settings/sso/${c.id}`);
    const card = page.locator("#single-logout").locator("..");
    await expect(page.getByRole("heading", { name: "Single logout" })).toBeVisible();
    await expect(page.locator("#sp-slo-url")).toHaveValue(`${baseURL}/auth/sso/saml/${slug}/slo`);
    await expect(page.getByRole("button", { name: "Copy the IdP single logout URL" })).toBeVisible();
    await page.locator("#single-logout").scrollIntoViewIfNeeded();
    await shot(page, testInfo, "slo-04-connection-page-single-logout");

    await page.getByRole("textbox", { name: "IdP single logout URL" }).fill("not a url");
    await page.getByRole("button", { name: "Save single logout URL" }).click();
    await expect(card.getByRole("alert")).toContainText("Enter an http(s) URL");
    await shot(page, testInfo, "slo-05-invalid-slo-url");
    await page.getByRole("textbox", { name: "IdP single logout URL" }).fill("");
    await page.getByRole("button", { name: "Save single logout URL" }).click();
    await expect(page.getByText("None: signing out ends the Gatehouse session only.")).toBeVisible();
  });
});
