import { expect, signInWithPassword, test } from "./support/fixtures";

/**
 * The sign-in IP allowlist card (issue 14, part 4) as an owner uses it: inline errors naming the
 * entry, a list that excludes the owner's own address needs the typed confirmation, a valid list,
 * clearing it; then the owner confirms a list without their address and their live session lands on
 * the refused page at the next request.
 */
test.describe("sign-in IP allowlist", () => {
  test("owner sets, confirms and clears the allowlist; a session outside the list is cut off with the refused page", async ({
    page,
    makeWorkspace,
  }) => {
    test.setTimeout(480_000);
    const ws = await makeWorkspace();
    await signInWithPassword(page, ws.ownerEmail, ws.ownerPassword);
    await expect(page).toHaveURL(new RegExp(`/w/${ws.slug}`));
    await page.getByRole("link", { name: "Security" }).click();
    await expect(page.getByRole("heading", { name: "Security", level: 1 })).toBeVisible();
    await expect(page.getByTestId("ip-allowlist-empty")).toBeVisible();
    const me = await page.getByRole("textbox", { name: "Your current address" }).inputValue();
    expect(me).toMatch(/^[0-9a-f.:]+$/);
    const shot = (name: string) => page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });

    // ── Inline validation names each bad entry.
    const ranges = page.getByLabel("Allowed ranges");
    await ranges.fill("10.1.2.3/8\nnot-a-range");
    await ranges.blur();
    await expect(page.getByText(/“10\.1\.2\.3\/8” has bits set after the \/8 prefix\. Did you mean 10\.0\.0\.0\/8\?/)).toBeVisible();
    await expect(page.getByText(/“not-a-range” is not an IPv4 or IPv6 range/)).toBeVisible();
    await shot("ip-allowlist-invalid");

    // ── A list without my address: the server asks for the typed confirmation.
    await ranges.fill("203.0.113.0/24");
    await expect(page.getByTestId("ip-lockout-warning")).toContainText(me);
    await page.getByRole("button", { name: "Save allowlist" }).click();
    const dialog = page.getByRole("dialog", { name: "Lock yourself out of this workspace?" });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText(me);
    const confirm = dialog.getByRole("button", { name: "Save and lock me out" });
    await expect(confirm).toBeDisabled();
    await dialog.getByLabel(`Type the workspace slug “${ws.slug}” to confirm`).fill("not-the-slug");
    await expect(confirm).toBeDisabled();
    await shot("ip-allowlist-confirm");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();

    // ── Add my address: a valid list that keeps me in; the break-glass toggle is off by default.
    await page.getByRole("button", { name: "Add my address" }).click();
    await expect(ranges).toHaveValue(new RegExp(`203\\.0\\.113\\.0/24\\n${me.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/(32|128)`));
    const exempt = page.getByRole("checkbox", { name: "Exempt break-glass owners" });
    await expect(exempt).not.toBeChecked();
    await exempt.check();
    await page.getByRole("button", { name: "Save allowlist" }).click();
    await expect(page.getByText("IP allowlist saved")).toBeVisible();
    await expect(page.getByText("On · 2 ranges")).toBeVisible();
    await shot("ip-allowlist-set");
    await page.reload();
    await expect(page.getByText("On · 2 ranges")).toBeVisible();
    await expect(page.getByRole("checkbox", { name: "Exempt break-glass owners" })).toBeChecked();

    // ── Clear.
    await page.getByRole("button", { name: "Clear allowlist" }).click();
    await expect(page.getByText("IP allowlist cleared")).toBeVisible();
    await expect(page.getByTestId("ip-allowlist-empty")).toBeVisible();

    // ── Confirmed lock-out: this very session is refused at its next request, with the address seen.
    await ranges.fill("203.0.113.0/24");
    await page.getByRole("button", { name: "Save allowlist" }).click();
    await dialog.getByLabel(`Type the workspace slug “${ws.slug}” to confirm`).fill(ws.slug);
    await dialog.getByRole("button", { name: "Save and lock me out" }).click();
    await expect(page).toHaveURL(/\/auth\/ip-refused\?workspace=/);
    await expect(page.getByText("IP_NOT_ALLOWED").first()).toBeVisible();
    await expect(page.getByTestId("refused-address")).toHaveText(me);
    await expect(page.getByText("203.0.113")).toHaveCount(0);
    await shot("ip-refused");
    await page.goto(`/w/${ws.slug}/settings/sso`);
    await expect(page).toHaveURL(/\/auth\/ip-refused\?workspace=/);
  });
});
