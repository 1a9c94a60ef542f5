import { randomBytes } from "node:crypto";
import { hashPassword } from "../lib/auth/password";
import { resetEnvForTests } from "../lib/env";
import { connectionCreateSchema } from "../lib/schemas/connections";
import { createConnection } from "../lib/services/connections";
import { findOrCreateUser } from "../lib/services/users";
import { setTxtRecord } from "./support/dns";
import { expect, signInWithPassword, test } from "./support/fixtures";
import { readState } from "./support/state";
import { OPERATOR } from "../lib/services/actor";

// SP keys made here must be readable by the app: use the app's data directory (its dev secrets).
const state = readState();
process.env.APP_ENV = "development";
process.env.APP_URL = state.baseURL;
process.env.DATA_DIR = state.dataDir;
resetEnvForTests();

test.describe("verified domains, discovery and enforcement", () => {
  test("owner verifies and routes a domain and enforces SSO; a new user signs in through discovery and the built-in IdP; password sign-in is refused", async ({
    page,
    browser,
    makeWorkspace,
    db,
    baseURL,
  }) => {
    const ws = await makeWorkspace();
    const metadataXml = await (await fetch(`${baseURL}/dev/idp/metadata`)).text();
    await createConnection(
      db,
      ws.id,
      connectionCreateSchema.parse({ name: "Built-in IdP", slug: `idp-${ws.slug}`, idpType: "dev", metadataXml }),
      OPERATOR,
    );
    const domain = `sso-${randomBytes(4).toString("hex")}.test`;

    // ── The owner adds the domain, publishes the TXT record, verifies and routes it.
    await signInWithPassword(page, ws.ownerEmail, ws.ownerPassword);
    await expect(page).toHaveURL(new RegExp(`/w/${ws.slug}`));
    await page.goto(`/w/${ws.slug}/settings/domains`);
    await expect(page.getByRole("heading", { name: "Domains", level: 1 })).toBeVisible();
    await page.getByLabel("Domain", { exact: true }).fill("not a domain");
    await page.getByRole("button", { name: "Add domain" }).click();
    await expect(page.getByText("A domain has only letters, digits, dots and hyphens.")).toBeVisible();
    await page.getByLabel("Domain", { exact: true }).fill(`@${domain.toUpperCase()}`);
    await page.getByRole("button", { name: "Add domain" }).click();

    const row = page.getByRole("listitem", { name: domain });
    await expect(row.getByText("Pending verification")).toBeVisible();
    const recordName = await row.getByRole("textbox", { name: "TXT record name" }).inputValue();
    const recordValue = await row.getByRole("textbox", { name: "TXT record value" }).inputValue();
    expect(recordName).toBe(`_gatehouse-challenge.${domain}`);
    expect(recordValue).toMatch(/^gatehouse-verification=/);
    await expect(row.getByRole("button", { name: "Copy TXT record value" })).toBeVisible();

    // Verify before the record exists: the precise reason is shown.
    await row.getByRole("button", { name: `Verify ${domain}` }).click();
    await expect(row.getByTestId("domain-error")).toContainText("DNS_RECORD_MISSING");

    await setTxtRecord(recordName, [recordValue]);
    await row.getByRole("button", { name: `Verify ${domain}` }).click();
    await expect(row.getByText("Verified", { exact: true })).toBeVisible();
    await row.getByLabel("Sign in with").selectOption({ label: `Built-in IdP (idp-${ws.slug})` });
    await row.getByRole("button", { name: "Save routing" }).click();
    await expect(row.getByText(`People with @${domain} addresses are sent to Built-in IdP (idp-${ws.slug}).`)).toBeVisible();

    // ── Enforce SSO for everyone in the verified domains (the owner's own domain is not one of them).
    await page.getByRole("radio", { name: /Everyone in verified domains/ }).check();
    await page.getByRole("button", { name: "Save enforcement" }).click();
    await expect(page.getByText("SSO enforcement saved")).toBeVisible();
    await page.screenshot({ path: test.info().outputPath("domains-page.png"), fullPage: true });

    // An account with a password in that domain, to show the password path refused.
    const enforcedEmail = `bob@${domain}`;
    await findOrCreateUser(db, { email: enforcedEmail, passwordHash: await hashPassword("bobs-password-123") });

    // ── A new user, in a fresh browser: discovery → built-in IdP → console.
    const context = await browser.newContext({ baseURL });
    const user = await context.newPage();
    const newEmail = `alice@${domain}`;
    await user.goto("/login");
    await user.getByLabel("Work email").fill(newEmail);
    await user.getByRole("button", { name: "Continue" }).click();
    const cont = user.getByRole("button", { name: "Continue with Built-in IdP" });
    await expect(cont).toBeVisible();
    await user.screenshot({ path: test.info().outputPath("login-sso-step.png") });
    await expect(user.getByLabel("Password")).toHaveCount(0);
    await expect(user.getByRole("button", { name: "Use a password instead" })).toHaveCount(0);
    await cont.click();
    await expect(user).toHaveURL(/\/dev\/idp\/sso\/choose/);
    await user.getByLabel("Email").fill(newEmail);
    await user.getByLabel("First name").fill("Alice");
    await user.getByLabel("Last name").fill("Sso");
    await user.getByRole("button", { name: "Sign in" }).click();
    await expect(user).toHaveURL(new RegExp(`/w/${ws.slug}`));
    await expect(user.getByRole("navigation", { name: "Workspace settings" })).toBeVisible();
    await context.close();

    // ── Under enforcement the password path is refused: no password form, and the credentials endpoint says 403 SSO_REQUIRED.
    const other = await browser.newContext({ baseURL });
    const p2 = await other.newPage();
    await p2.goto(`/login?email=${encodeURIComponent(enforcedEmail)}`);
    await expect(p2.getByRole("button", { name: "Continue with Built-in IdP" })).toBeVisible();
    await expect(p2.getByLabel("Password")).toHaveCount(0);

    // Even a forced password step (break-glass URL) is refused for a non-exempt member.
    await p2.goto("/login?password=1");
    await p2.getByLabel("Work email").fill(enforcedEmail);
    await p2.getByRole("button", { name: "Continue" }).click();
    await p2.getByLabel("Password").fill("bobs-password-123");
    await p2.getByRole("button", { name: "Sign in" }).click();
    await expect(p2.getByRole("alert").filter({ hasText: "requires single sign-on" })).toBeVisible();
    await p2.goto(`/w/${ws.slug}`);
    await expect(p2).toHaveURL(/\/login/);

    const csrf = (await (await other.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
    for (const json of ["true", undefined]) {
      const res = await other.request.post("/api/auth/callback/password", {
        form: { email: enforcedEmail, password: "bobs-password-123", csrfToken: csrf.csrfToken, ...(json ? { json } : {}) },
        maxRedirects: 0,
      });
      expect(res.status()).toBe(403);
      const body = (await res.json()) as { error: { code: string; hint: string } };
      expect(body.error.code).toBe("SSO_REQUIRED");
      expect(body.error.hint).toBeTruthy();
    }
    await other.close();
  });

  test("discovery answers the same 404 for unknown and pending domains", async ({ request, makeWorkspace, db }) => {
    const ws = await makeWorkspace();
    const pending = `pending-${randomBytes(4).toString("hex")}.test`;
    const { addDomain } = await import("../lib/services/domains");
    await addDomain(db, ws.id, pending, {});
    const a = await request.post("/auth/sso/discover", { data: { email: `x@${pending}` } });
    const b = await request.post("/auth/sso/discover", { data: { email: `x@unknown-${randomBytes(4).toString("hex")}.test` } });
    expect(a.status()).toBe(404);
    expect(b.status()).toBe(404);
    expect(await a.text()).toBe(await b.text());
  });
});
