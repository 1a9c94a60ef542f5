import { findUserByEmail, setUserDisabled } from "../lib/services/users";
import { expect, signInWithPassword, test } from "./support/fixtures";

test.describe("foundation", () => {
  test("an owner signs in, reaches the console and signs out; a session cookie copied before sign-out is refused after it", async ({
    page,
    browser,
    makeWorkspace,
  }) => {
    // A workspace of this test's own: sign-out ends every session of the account (other tests share the demo owner).
    const ws = await makeWorkspace();
    await signInWithPassword(page, ws.ownerEmail, ws.ownerPassword);
    await expect(page).toHaveURL(new RegExp(`/w/${ws.slug}/`));
    await expect(page.getByRole("navigation", { name: "Workspace settings" })).toBeVisible();
    await page.getByRole("link", { name: "Members" }).click();
    await expect(page.getByRole("heading", { name: "Members" })).toBeVisible();
    await expect(page.getByRole("cell", { name: ws.ownerEmail })).toBeVisible();
    const copied = await page.context().cookies();
    expect(copied.some((c) => c.name.endsWith("next-auth.session-token"))).toBe(true);

    await page.getByRole("button", { name: ws.ownerEmail }).click();
    await page.getByRole("menuitem", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login/);
    await page.goto(`/w/${ws.slug}/settings/members`);
    await expect(page).toHaveURL(/\/login/);

    // Someone who copied the cookie before sign-out gets nothing with it.
    const thief = await browser.newContext();
    await thief.addCookies(copied);
    const stolen = await thief.newPage();
    await stolen.goto(`/w/${ws.slug}/settings/members`);
    await expect(stolen).toHaveURL(/\/login/);
    await thief.close();
  });

  test("a wrong password shows the error and no session", async ({ page, state }) => {
    await signInWithPassword(page, state.demoOwner.email, "definitely-not-the-password");
    await expect(page.getByRole("alert").filter({ hasText: "Wrong email or password" })).toBeVisible();
    await page.goto("/w/acme/settings/members");
    await expect(page).toHaveURL(/\/login/);
  });

  test("a non-member gets 404 on another workspace's URL", async ({ page, state }) => {
    await signInWithPassword(page, state.demoOwner.email, state.demoOwner.password);
    await expect(page).toHaveURL(/\/w\/acme\//);
    // "other-co" is created by global setup through the CLI; the demo owner is not a member.
    const res = await page.goto("/w/other-co/settings/members");
    expect(res?.status()).toBe(404);
    await expect(page.getByText("Page not found")).toBeVisible();
    await expect(page.getByText("Other Co")).toHaveCount(0);
  });

  test("a disabled user loses access on the next request", async ({ page, makeWorkspace, db }) => {
    const ws = await makeWorkspace();
    await signInWithPassword(page, ws.ownerEmail, ws.ownerPassword);
    await expect(page).toHaveURL(new RegExp(`/w/${ws.slug}/`));
    const user = await findUserByEmail(db, ws.ownerEmail);
    await setUserDisabled(db, user!.id, true);
    await page.goto(`/w/${ws.slug}/settings/members`);
    await expect(page).toHaveURL(/\/login/);
  });

  test("security headers are set and health reports the database", async ({ request }) => {
    const res = await request.get("/login");
    const h = res.headers();
    expect(h["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(h["x-content-type-options"]).toBe("nosniff");
    expect(h["referrer-policy"]).toBeTruthy();
    const health = await request.get("/api/health");
    expect(health.status()).toBe(200);
    expect(await health.json()).toEqual({ status: "ok", db: "ok" });
  });

  test("favicon, app icons and the logo are served from public/ and used by the pages", async ({ request, page }) => {
    for (const [path, type] of [
      ["/favicon.ico", "image/"],
      ["/icon.svg", "image/svg+xml"],
      ["/logo.svg", "image/svg+xml"],
      ["/apple-touch-icon.png", "image/png"],
      ["/site.webmanifest", ""],
    ] as const) {
      const res = await request.get(path);
      expect(res.status(), path).toBe(200);
      expect(res.headers()["content-type"], path).toContain(type);
    }
    const failed: string[] = [];
    page.on("response", (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
    });
    await page.goto("/login");
    await expect(page.locator('link[rel="icon"]').first()).toHaveAttribute("href", /favicon\.ico|icon\.svg/);
    await expect(page.locator('img[src*="logo.svg"]')).toBeVisible();
    expect(failed).toEqual([]);
  });
});
