import { memberships } from "../db/schema";
import { hashPassword } from "../lib/auth/password";
import { findOrCreateUser } from "../lib/services/users";
import { expect, signInWithPassword, test } from "./support/fixtures";

test.describe("Settings → API keys", () => {
  test("an owner creates a key, sees it once, uses it against the API, and revokes it", async ({
    page,
    makeWorkspace,
    request,
  }, testInfo) => {
    const ws = await makeWorkspace();
    await signInWithPassword(page, ws.ownerEmail, ws.ownerPassword);
    await expect(page).toHaveURL(new RegExp(`/w/${ws.slug}/`));
    await page.getByRole("link", { name: "API keys" }).click();
    await expect(page.getByRole("heading", { name: "API keys", level: 1 })).toBeVisible();
    await expect(page.getByText("No API keys yet")).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath("api-keys-empty.png"), fullPage: true });

    await page.getByRole("button", { name: "Create API key" }).click();
    const dialog = page.getByRole("dialog", { name: "Create API key" });
    await dialog.getByRole("button", { name: "Create key" }).click();
    await expect(dialog.getByText("Give the key a name")).toBeVisible();
    await dialog.getByLabel("Name").fill("Terraform");
    await dialog.getByRole("button", { name: "Create key" }).click();

    const shown = page.getByRole("dialog", { name: "Copy your new API key" });
    await expect(shown.getByText("Copy this key now.")).toBeVisible();
    const key = await shown.getByRole("textbox").inputValue();
    expect(key).toMatch(/^gh_live_[A-Za-z0-9_-]{43}$/);
    await shown.getByRole("button", { name: /Copy API key/ }).click();
    await expect(shown.getByText("Copied", { exact: true })).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath("api-keys-created.png"), fullPage: true });
    await shown.getByRole("button", { name: "I have copied the key" }).click();
    await expect(shown).toBeHidden();

    const row = page.getByRole("row", { name: /Terraform/ });
    await expect(row).toContainText(`${key.slice(0, 14)}…`);
    await expect(row).toContainText(ws.ownerEmail);
    await page.reload();
    expect(await page.content()).not.toContain(key);

    const ok = await request.get("/api/v1/connections", { headers: { authorization: `Bearer ${key}` } });
    expect(ok.status()).toBe(200);
    expect(ok.headers()["x-request-id"]).toBeTruthy();
    expect((await ok.json()).data).toEqual([]);
    await page.reload();
    await expect(page.getByRole("row", { name: /Terraform/ })).not.toContainText("Never");

    await page.getByRole("button", { name: "Revoke API key Terraform" }).click();
    const confirm = page.getByRole("dialog", { name: "Revoke “Terraform”?" });
    await expect(confirm).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath("api-keys-revoke.png"), fullPage: true });
    await confirm.getByRole("button", { name: "Revoke key" }).click();
    await expect(page.getByRole("row", { name: /Terraform/ })).toContainText("Revoked");
    const denied = await request.get("/api/v1/connections", { headers: { authorization: `Bearer ${key}` } });
    expect(denied.status()).toBe(401);
    expect((await denied.json()).error.code).toBe("INVALID_API_KEY");
  });

  test("the API reference renders the OpenAPI document; a viewer cannot manage keys", async ({ page, makeWorkspace, db }, testInfo) => {
    const ws = await makeWorkspace();
    const email = `viewer-${ws.slug}@e2e.test`;
    const password = "viewer-password-123";
    const { user } = await findOrCreateUser(db, { email, passwordHash: await hashPassword(password) });
    await db.insert(memberships).values({ workspaceId: ws.id, userId: user.id, role: "viewer", status: "active" });

    await signInWithPassword(page, email, password);
    await expect(page).toHaveURL(new RegExp(`/w/${ws.slug}/`));
    await page.goto(`/w/${ws.slug}/settings/api-keys`);
    await expect(page.getByText("Only owners and admins manage API keys")).toBeVisible();
    await expect(page.getByRole("button", { name: "Create API key" })).toHaveCount(0);

    await page.getByRole("link", { name: "API reference" }).first().click();
    await expect(page.getByRole("heading", { name: "API reference", level: 1 })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Connections", level: 2 })).toBeVisible();
    await expect(page.getByRole("heading", { name: /put \/api\/v1\/tenant\/saml/i })).toBeVisible();
    await expect(page.getByRole("cell", { name: "email_domain*" }).first()).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath("api-reference.png") });
    await page.getByRole("heading", { name: /put \/api\/v1\/tenant\/saml/i }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: testInfo.outputPath("api-reference-tenant.png") });

    const doc = await page.request.get("/api/v1/openapi.json");
    expect(doc.status()).toBe(200);
    expect((await doc.json()).openapi).toBe("3.1.0");
  });
});

test("every /api/v1 answer carries one X-Request-Id, including 404 and 405 from the framework", async ({ request }) => {
  const cases = [
    request.get("/api/v1/connections"),
    request.get("/api/v1/no-such-endpoint"),
    request.post("/api/v1/sso-events", { data: {} }),
    request.get("/api/v1/openapi.json", { headers: { "x-request-id": "trace-e2e-12345" } }),
  ];
  const [unauth, unknown, notAllowed, traced] = await Promise.all(cases);
  expect(unauth.status()).toBe(401);
  expect(unknown.status()).toBe(404);
  expect((await unknown.json()).error.code).toBe("NOT_FOUND");
  expect(notAllowed.status()).toBe(405);
  for (const r of [unauth, unknown, notAllowed]) expect(r.headers()["x-request-id"]).toMatch(/^req_[0-9a-f]{24}$/);
  expect((await unauth.json()).meta.request_id).toBe(unauth.headers()["x-request-id"]);
  expect(traced.headers()["x-request-id"]).toBe("trace-e2e-12345");
});
