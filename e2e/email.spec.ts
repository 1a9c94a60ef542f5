import type { Page } from "@playwright/test";
import { expect, signInWithPassword, test } from "./support/fixtures";

/**
 * Email that arrives, in development mode (no SMTP_URL): every message is captured in the outbox and
 * read at /dev/mail, where a newcomer follows its link. The delivery job (server/jobs.ts) picks each
 * message up within seconds.
 */

/** Open the newest captured message to `to` with `subject` at /dev/mail (waiting for the mail job). */
async function openMail(page: Page, to: string, subject: string) {
  await expect(async () => {
    await page.goto("/dev/mail");
    const row = page.getByRole("row").filter({ hasText: to }).filter({ hasText: subject }).first();
    await expect(row).toBeVisible({ timeout: 2_000 });
    await expect(row).toContainText("Captured", { timeout: 2_000 });
  }).toPass({ timeout: 60_000 });
  await page.getByRole("row").filter({ hasText: to }).getByRole("link", { name: subject }).first().click();
  await expect(page.getByRole("heading", { name: subject })).toBeVisible();
  await expect(page.getByText(to, { exact: true })).toBeVisible();
}

test.describe("email", () => {
  test("forgot password: from /login to the email at /dev/mail, a new password, signed in with it; the link works once; an unknown address gets the same answer", async ({
    page,
    makeWorkspace,
  }) => {
    const ws = await makeWorkspace({ name: "Reset Co" });
    await page.goto("/login");
    await page.getByLabel("Work email").fill(ws.ownerEmail);
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByRole("link", { name: "Forgot password?" }).click();
    await expect(page.getByRole("heading", { name: "Reset your password" })).toBeVisible();
    await expect(page.getByLabel("Work email")).toHaveValue(ws.ownerEmail);
    await page.getByRole("button", { name: "Send reset link" }).click();
    const answer = page.getByRole("status");
    await expect(answer).toContainText("Check your email");
    const knownText = (await answer.innerText()).replace(ws.ownerEmail, "<email>");

    // An unknown address: the same answer, word for word.
    const unknown = `nobody-${ws.id.slice(0, 8)}@unknown.test`;
    await page.getByRole("button", { name: "Use another email" }).click();
    await page.getByLabel("Work email").fill(unknown);
    await page.getByRole("button", { name: "Send reset link" }).click();
    await expect(page.getByRole("status")).toContainText("Check your email");
    expect((await page.getByRole("status").innerText()).replace(unknown, "<email>")).toBe(knownText);

    await page.getByRole("link", { name: "Open the captured mail" }).click();
    await openMail(page, ws.ownerEmail, "Reset your Gatehouse password");
    const link = page.getByTestId("mail-text").getByRole("link", { name: /\/reset-password\// });
    const resetUrl = (await link.getAttribute("href"))!;
    await link.click();
    await expect(page.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
    await expect(page.getByText(`For ${ws.ownerEmail}`)).toBeVisible();
    // Inline validation with the shared password rules.
    await page.getByLabel("New password", { exact: true }).fill("short");
    await page.getByLabel("Confirm new password").fill("different");
    await page.getByRole("button", { name: "Set new password" }).click();
    await expect(page.getByText("At least 10 characters").last()).toBeVisible();
    await expect(page.getByText("The passwords do not match")).toBeVisible();
    const newPassword = "a new password from the email";
    await page.getByLabel("New password", { exact: true }).fill(newPassword);
    await page.getByLabel("Confirm new password").fill(newPassword);
    await page.getByRole("button", { name: "Set new password" }).click();
    await expect(page.getByRole("status")).toContainText("Your password was changed");
    await page.getByRole("link", { name: "Sign in" }).click();
    await page.getByLabel("Password").fill(newPassword);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(new RegExp(`/w/${ws.slug}`));

    // The link worked once.
    await page.goto(resetUrl);
    await expect(page.getByRole("heading", { name: "Link not valid" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Send a new link" })).toBeVisible();

    // Nothing was sent to the unknown address.
    await page.goto("/dev/mail");
    await expect(page.getByRole("row").filter({ hasText: unknown })).toContainText("Not sent: no account", { timeout: 30_000 });
  });

  test("an invitation is emailed: the console says so, the message at /dev/mail names the workspace and who invited, and its link opens the invitation", async ({
    page,
    makeWorkspace,
  }) => {
    const ws = await makeWorkspace({ name: "Mail Invite Co" });
    const email = `ivy@${ws.slug}.test`;
    await signInWithPassword(page, ws.ownerEmail, ws.ownerPassword);
    await page.waitForURL(/\/w\//);
    await page.goto(`/w/${ws.slug}/settings/members`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Role", { exact: true }).selectOption("editor");
    await page.getByRole("button", { name: "Invite", exact: true }).click();
    await expect(page.getByRole("status").filter({ hasText: "Invitation emailed to" })).toContainText(email);
    // The copy link stays available.
    const copied = await page.getByRole("textbox", { name: "Invitation link" }).inputValue();

    await openMail(page, email, "You're invited to Mail Invite Co on Gatehouse");
    await expect(page.getByTestId("mail-text")).toContainText(
      `${ws.ownerEmail} invited you to join the workspace Mail Invite Co as editor`,
    );
    const link = page.getByTestId("mail-text").getByRole("link", { name: /\/invite\// });
    expect(await link.getAttribute("href")).toBe(copied);
    await page.context().clearCookies();
    await link.click();
    await expect(page.getByRole("heading", { name: "Join Mail Invite Co" })).toBeVisible();
  });
});
