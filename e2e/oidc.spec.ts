import { randomBytes } from "node:crypto";
import { resetEnvForTests } from "../lib/env";
import { connectionCreateSchema } from "../lib/schemas/connections";
import { OPERATOR } from "../lib/services/actor";
import { createConnection } from "../lib/services/connections";
import { createWorkspace } from "../lib/services/workspaces";
import { runCli } from "../lib/testing/run-cli";
import { startRelyingParty, type RelyingParty } from "./support/oidc-rp";
import { readState } from "./support/state";
import { expect, test } from "./support/fixtures";

// SP keys made here must be readable by the app: use the app's data directory (its dev secrets).
const state = readState();
process.env.APP_ENV = "development";
process.env.APP_URL = state.baseURL;
process.env.DATA_DIR = state.dataDir;
resetEnvForTests();

const uniqueEmail = (prefix: string, domain = "oidc-e2e.test") => `${prefix}-${randomBytes(4).toString("hex")}@${domain}`;

/** Register the loopback RP as an application, the way an operator does (the CLI), and configure it with what was printed. */
async function registerRp(rp: RelyingParty) {
  const r = await runCli(
    ["apps:create", "--name", "Loopback RP", "--redirect-uri", rp.redirectUri, "--initiate-login-uri", rp.initiateLoginUri, "--json"],
    { databaseUrl: state.databaseUrl ?? undefined, dataDir: state.dataDir, extraEnv: { APP_URL: state.baseURL } },
  );
  expect(r.code, r.stderr).toBe(0);
  const app = r.json as { client_id: string; client_secret: string; id: string };
  await rp.configure(app.client_id, app.client_secret);
  return app;
}

test.describe("Sign in to your app: Gatehouse as the OpenID Connect provider", () => {
  let rp: RelyingParty;
  test.beforeEach(async ({ baseURL }) => {
    rp = await startRelyingParty(`${baseURL}/oidc`);
  });
  test.afterEach(async () => {
    await rp.close();
  });

  test("a loopback RP signs in through SP-initiated SAML with the built-in IdP and shows org_slug and role", async ({
    page,
    db,
    makeWorkspace,
    baseURL,
  }) => {
    const ws = await makeWorkspace();
    const metadataXml = await (await fetch(`${baseURL}/dev/idp/metadata`)).text();
    const slug = `oidc-${ws.slug}`;
    await createConnection(
      db,
      ws.id,
      connectionCreateSchema.parse({ name: "Built-in IdP", slug, idpType: "dev", metadataXml, defaultRole: "editor" }),
      OPERATOR,
    );
    await registerRp(rp);

    await page.goto(`${rp.url}/`);
    await expect(page.getByRole("heading", { name: "Loopback RP" })).toBeVisible();
    await page.goto(`${rp.url}/login?organization=${ws.slug}&connection=${slug}`);
    // Gatehouse sends the browser to the connection's IdP (SP-initiated SAML).
    await expect(page.getByRole("heading", { name: "Sign in as…" })).toBeVisible();
    const email = uniqueEmail("rp");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Groups").fill("engineering, billing");
    await page.getByRole("button", { name: "Sign in" }).click();

    await expect(page).toHaveURL(`${rp.url}/`);
    await expect(page.getByRole("heading", { name: `Welcome ${email}` })).toBeVisible();
    await expect(page.locator('[data-claim="org_slug"]')).toHaveText(ws.slug);
    await expect(page.locator('[data-claim="role"]')).toHaveText("editor");
    await expect(page.locator('[data-claim="amr"]')).toHaveText('["sso"]');
    await expect(page.locator('[data-claim="groups"]')).toHaveText('["engineering","billing"]');
  });

  test("the IdP-initiated tile path lands in the app", async ({ page, db, makeWorkspace, baseURL }) => {
    const ws = await makeWorkspace();
    const metadataXml = await (await fetch(`${baseURL}/dev/idp/metadata`)).text();
    const slug = `tile-${ws.slug}`;
    await createConnection(
      db,
      ws.id,
      connectionCreateSchema.parse({ name: "Built-in IdP", slug, idpType: "dev", metadataXml, allowIdpInitiated: true }),
      OPERATOR,
    );
    const app = await registerRp(rp);
    const set = await runCli(["connections:set-app", "--slug", slug, "--client-id", app.client_id, "--json"], {
      databaseUrl: state.databaseUrl ?? undefined,
      dataDir: state.dataDir,
      extraEnv: { APP_URL: state.baseURL },
    });
    expect(set.code, set.stderr).toBe(0);

    // Like clicking the application's tile in the IdP's dashboard.
    await page.goto("/dev/idp");
    await page.getByLabel("Application (connection)").selectOption(slug);
    const email = uniqueEmail("tile");
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Sign in to the application" }).click();

    await expect(page).toHaveURL(`${rp.url}/`);
    await expect(page.getByRole("heading", { name: `Welcome ${email}` })).toBeVisible();
    await expect(page.locator('[data-claim="org_slug"]')).toHaveText(ws.slug);
    await expect(page.locator('[data-claim="role"]')).toHaveText("viewer");
  });

  test("a person in two organizations signs in with a password on the email-first page and picks the organization", async ({
    page,
    db,
    makeWorkspace,
  }) => {
    const first = await makeWorkspace({ name: "First Org" });
    const secondSlug = `second-${first.slug}`;
    await createWorkspace(db, { slug: secondSlug, name: "Second Org", ownerEmail: first.ownerEmail });
    await registerRp(rp);

    await page.goto(`${rp.url}/login`);
    await page.getByLabel("Work email").fill(first.ownerEmail);
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByLabel("Password").fill(first.ownerPassword);
    await page.getByRole("button", { name: "Sign in" }).click();

    await expect(page.getByRole("heading", { name: /as a member of/ })).toBeVisible();
    await page.getByRole("button", { name: /Second Org/ }).click();
    await expect(page).toHaveURL(`${rp.url}/`);
    await expect(page.locator('[data-claim="org_slug"]')).toHaveText(secondSlug);
    await expect(page.locator('[data-claim="role"]')).toHaveText("owner");
    await expect(page.locator('[data-claim="amr"]')).toHaveText('["pwd"]');
  });

  test("the demo application at /dev/app: sign in with Gatehouse through the built-in IdP, see the verified claims, sign out", async ({
    page,
  }) => {
    await page.goto("/dev/app");
    await page.getByRole("link", { name: "Sign in with Gatehouse" }).click();
    await expect(page.getByRole("heading", { name: "Sign in as…" })).toBeVisible();
    const email = uniqueEmail("demo", "acme.test");
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Sign in" }).click();

    await expect(page).toHaveURL(/\/dev\/app$/);
    await expect(page.getByRole("heading", { name: `Signed in as ${email} in acme` })).toBeVisible();
    await expect(page.locator('[data-claim="org_slug"]')).toHaveText("acme");
    await expect(page.locator('[data-claim="connection_id"]')).not.toBeEmpty();

    await page.getByRole("link", { name: /Sign out/ }).click();
    await expect(page.getByRole("link", { name: "Sign in with Gatehouse" })).toBeVisible();
    await expect(page).toHaveURL(/\/dev\/app$/);
    // The Gatehouse session ended too: the console asks for a sign-in again.
    await page.goto("/w/acme");
    await expect(page).toHaveURL(/\/login/);
  });
});
