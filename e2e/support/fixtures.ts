import { randomBytes } from "node:crypto";
import { test as base, expect, type Locator, type Page } from "@playwright/test";
import { openPostgres, type Db, type DbHandle } from "../../db";
import { createWorkspace } from "../../lib/services/workspaces";
import { readState, type E2EState } from "./state";

let handle: Promise<DbHandle> | undefined;

type Fixtures = {
  state: E2EState;
  /** Direct access to the app's database (real Postgres runs only; the test is skipped otherwise). */
  db: Db;
  /** A workspace of this test's own with an owner who signs in by password. */
  makeWorkspace: (opts?: {
    name?: string;
  }) => Promise<{ slug: string; ownerEmail: string; ownerPassword: string; id: string; ownerId: string }>;
};

export const test = base.extend<Fixtures>({
  state: async ({}, use) => {
    await use(readState());
  },
  baseURL: async ({ state }, use) => {
    await use(state.baseURL);
  },
  db: async ({ state }, use, testInfo) => {
    testInfo.skip(!state.databaseUrl, "needs real Postgres (the app and the test share the database)");
    handle ??= openPostgres(state.databaseUrl!, { max: 4 });
    await use((await handle).db);
  },
  makeWorkspace: async ({ db }, use) => {
    await use(async (opts) => {
      const id = randomBytes(4).toString("hex");
      const slug = `e2e-${id}`;
      const ownerEmail = `owner-${id}@e2e-${id}.test`;
      const ownerPassword = `pw-${randomBytes(9).toString("base64url")}`;
      const { workspace, owner } = await createWorkspace(db, { slug, name: opts?.name ?? `E2E ${id}`, ownerEmail, ownerPassword });
      return { slug, ownerEmail, ownerPassword, id: workspace.id, ownerId: owner.id };
    });
  },
});

export { expect };

/** The email-first login page, password path (past the SSO step when the domain is routed but not enforced). */
export async function signInWithPassword(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("Work email").fill(email);
  await page.getByRole("button", { name: "Continue" }).click();
  const usePassword = page.getByRole("button", { name: "Use a password instead" });
  await expect(usePassword.or(page.getByLabel("Password"))).toBeVisible();
  if (await usePassword.isVisible()) await usePassword.click();
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Route a domain row to the connection named `name` (shown as "name (slug)"), then save. */
export async function routeTo(row: Locator, name: string) {
  const value = await row
    .locator("option", { hasText: `${name} (` })
    .first()
    .getAttribute("value");
  await row.getByLabel("Sign in with").selectOption(value!);
  await row.getByRole("button", { name: "Save routing" }).click();
  await expect(row.getByRole("button", { name: "Save routing" })).toHaveCount(0);
}
