import { readFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import type { Page } from "@playwright/test";
import { domains } from "../db/schema";
import { resetEnvForTests } from "../lib/env";
import { connectionCreateSchema } from "../lib/schemas/connections";
import { OPERATOR } from "../lib/services/actor";
import { createApiKey } from "../lib/services/api-keys";
import { createConnection } from "../lib/services/connections";
import { addDomain, removeDomain } from "../lib/services/domains";
import { changeMemberRole, setMemberDisabled } from "../lib/services/members";
import { addMember, addVerifiedDomain, makeConnection } from "../lib/testing/fixtures";
import { setTxtRecord } from "./support/dns";
import { expect, routeTo, signInWithPassword, test } from "./support/fixtures";
import { readState } from "./support/state";

/**
 * Issue 15, items 1–5 and 11–13: each journey walked as a new owner (or member) walks it, asserting
 * what they see.
 */

// SP keys made here must be readable by the app: use the app's data directory (its dev secrets).
const state = readState();
process.env.APP_ENV = "development";
process.env.APP_URL = state.baseURL;
process.env.DATA_DIR = state.dataDir;
resetEnvForTests();

const PASSWORD = "staff-password-123";

async function builtInConnection(db: Parameters<typeof createConnection>[0], workspaceId: string, slug: string, name = "Built-in IdP") {
  const metadataXml = await (await fetch(`${state.baseURL}/dev/idp/metadata`)).text();
  return createConnection(db, workspaceId, connectionCreateSchema.parse({ name, slug, idpType: "dev", metadataXml }), OPERATOR);
}

async function verifyInConsole(page: Page, domain: string) {
  await page.getByLabel("Domain", { exact: true }).fill(domain);
  await page.getByRole("button", { name: "Add domain" }).click();
  const row = page.getByRole("listitem", { name: domain });
  const recordName = await row.getByRole("textbox", { name: "TXT record name" }).inputValue();
  const recordValue = await row.getByRole("textbox", { name: "TXT record value" }).inputValue();
  await setTxtRecord(recordName, [recordValue]);
  await row.getByRole("button", { name: `Verify ${domain}` }).click();
  await expect(row.getByText("Verified", { exact: true })).toBeVisible();
  return row;
}

test.describe("issue 15: lock-outs and dead ends", () => {
  test("item 1: the only owner saves enforcement before any domain, verifies and routes their own domain and is NOT signed out; the preview is live; owners' break-glass needs a typed slug and a self-lock-out is refused; SSO-required carries Continue with <IdP>", async ({
    page,
    browser,
    baseURL,
    makeWorkspace,
    db,
  }) => {
    test.setTimeout(360_000);
    const ws = await makeWorkspace();
    const domain = ws.ownerEmail.split("@")[1]!;
    const conn = await builtInConnection(db, ws.id, `idp-${ws.slug}`);
    await addMember(db, ws.id, { email: `staff@${domain}`, password: PASSWORD });

    await signInWithPassword(page, ws.ownerEmail, ws.ownerPassword);
    await expect(page).toHaveURL(new RegExp(`/w/${ws.slug}`));
    await page.goto(`/w/${ws.slug}/settings/domains`);
    const preview = page.getByTestId("enforcement-preview");
    await expect(preview).toContainText("Nobody is required to use SSO");

    // Choosing the mode updates the preview before saving: nobody yet, and why.
    await page.getByRole("radio", { name: /Everyone in verified domains/ }).check();
    await expect(preview).toContainText("If you save this");
    await expect(preview.getByTestId("preview-must-use-sso")).toContainText("0 members must sign in with SSO");
    await expect(preview).toContainText("NO_VERIFIED_DOMAINS");
    await expect(preview.getByTestId("preview-keep-password")).toContainText(
      `staff@${domain} (their domain is not verified and routed to a working connection)`,
    );
    await page.getByRole("button", { name: "Save enforcement" }).click();
    await expect(page.getByTestId("toast").filter({ hasText: "SSO enforcement saved" })).toBeVisible();

    // Verify the owner's own domain: still signed in (the page and a reload stay in the console).
    const row = await verifyInConsole(page, domain);
    await expect(preview).toContainText("UNROUTED_DOMAINS");
    await page.reload();
    await expect(page.getByRole("heading", { name: "Domains", level: 1 })).toBeVisible();

    // Route it (save step): the preview follows live, without a reload.
    await routeTo(row, "Built-in IdP");
    await expect(preview.getByTestId("preview-must-use-sso")).toContainText("1 member must sign in with SSO");
    await expect(preview.getByTestId("preview-must-use-sso")).toContainText(`staff@${domain}`);
    await expect(preview.getByTestId("preview-keep-password")).toContainText(`${ws.ownerEmail} (owner (break-glass))`);
    await page.reload();
    await expect(page.getByRole("heading", { name: "Domains", level: 1 })).toBeVisible();

    // Removing owners' break-glass: typed confirmation, then refused because it would end this owner's own access.
    const ownersToggle = page.getByRole("checkbox", { name: /Owners are break-glass/ });
    await expect(ownersToggle).toBeChecked();
    await ownersToggle.uncheck();
    const confirmBox = page.getByRole("group", { name: "Confirm removing owners' break-glass" });
    const removeButton = confirmBox.getByRole("button", { name: "Remove owners' break-glass" });
    await confirmBox.getByLabel("Type the workspace slug to confirm").fill("not-the-slug");
    await expect(removeButton).toBeDisabled();
    await confirmBox.getByLabel("Type the workspace slug to confirm").fill(ws.slug);
    await removeButton.click();
    await expect(confirmBox.getByRole("alert")).toContainText("would end your own access");
    await confirmBox.getByRole("button", { name: "Cancel" }).click();
    await expect(ownersToggle).toBeChecked();
    await page.reload();
    await expect(page.getByRole("checkbox", { name: /Owners are break-glass/ })).toBeChecked();

    // The enforced member's password sign-in says SSO is required AND offers the working way in.
    const other = await browser.newContext({ baseURL });
    const staff = await other.newPage();
    await staff.goto("/login?password=1");
    await staff.getByLabel("Work email").fill(`staff@${domain}`);
    await staff.getByRole("button", { name: "Continue" }).click();
    await staff.getByLabel("Password").fill(PASSWORD);
    await staff.getByRole("button", { name: "Sign in" }).click();
    // (Next's route announcer is an empty role=alert too: pick the message.)
    await expect(staff.getByRole("alert").filter({ hasText: "requires single sign-on" })).toContainText(
      `requires single sign-on. Continue with ${conn.name} below.`,
    );
    const cont = staff.getByRole("button", { name: `Continue with ${conn.name}` });
    await expect(cont).toBeVisible();
    await cont.click();
    await expect(staff).toHaveURL(/\/dev\/idp\/sso\/choose/);
    await other.close();
  });

  test("item 2: routing offers only connections that can sign in, tells like-named ones apart (name + slug), and waits for Save", async ({
    page,
    makeWorkspace,
    db,
  }) => {
    const ws = await makeWorkspace();
    const a = await makeConnection(db, ws.id, { name: "Okta", slug: `okta-a-${ws.slug}` });
    // Names are unique per workspace (item 10); like-named connections are still told apart by their slug.
    const b = await makeConnection(db, ws.id, { name: "Okta EU", slug: `okta-b-${ws.slug}` });
    const bare = await makeConnection(db, ws.id, { name: "Okta staging", slug: `okta-stg-${ws.slug}`, configured: false });
    const domain = `route-${ws.slug}.test`;
    const d = await addVerifiedDomain(db, ws.id, domain);

    await signInWithPassword(page, ws.ownerEmail, ws.ownerPassword);
    await expect(page).toHaveURL(new RegExp(`/w/${ws.slug}`));
    await page.goto(`/w/${ws.slug}/settings/domains`);
    const row = page.getByRole("listitem", { name: domain });
    const select = row.getByLabel("Sign in with");
    await expect(select.locator("option", { hasText: `Okta (${a.slug})` })).toBeEnabled();
    await expect(select.locator("option", { hasText: `Okta EU (${b.slug})` })).toBeEnabled();
    await expect(select.locator("option", { hasText: `Okta staging (${bare.slug}) — needs IdP metadata` })).toBeDisabled();

    // Choosing is not applying: nothing changes until Save routing.
    await select.selectOption(b.id);
    await expect(row.getByRole("button", { name: "Save routing" })).toBeVisible();
    await expect(page.getByTestId("toast")).toHaveCount(0);
    expect((await db.select().from(domains).where(eq(domains.id, d.id)))[0]!.connectionId).toBeNull();
    await row.getByRole("button", { name: "Save routing" }).click();
    await expect(page.getByTestId("toast").filter({ hasText: `${domain} now signs in with Okta EU (${b.slug})` })).toBeVisible();
    await expect(row.getByText(`People with @${domain} addresses are sent to Okta EU (${b.slug}).`)).toBeVisible();
    expect((await db.select().from(domains).where(eq(domains.id, d.id)))[0]!.connectionId).toBe(b.id);

    // The server refuses a connection that cannot sign in, whatever the form sent.
    const { routeDomain } = await import("../lib/services/domains");
    await expect(routeDomain(db, ws.id, d.id, bare.id, {})).rejects.toMatchObject({ code: "CONNECTION_NOT_READY" });
  });

  test("item 3: a disabled member sees that an admin disabled their access, with sign-out, on /login and on workspace URLs", async ({
    page,
    makeWorkspace,
    db,
  }) => {
    const ws = await makeWorkspace({ name: "Disabled Co" });
    const email = `dis-${ws.slug}@example.test`;
    const m = await addMember(db, ws.id, { email, password: PASSWORD });
    await setMemberDisabled(db, ws.id, m.membership.id, true, { ...OPERATOR, role: "owner" });

    await signInWithPassword(page, email, PASSWORD);
    const heading = page.getByRole("heading", { name: "Your access to Disabled Co was disabled by an admin" });
    await expect(heading).toBeVisible();
    await page.goto("/login");
    await expect(heading).toBeVisible();
    await page.goto(`/w/${ws.slug}/settings/sso`);
    await expect(page).toHaveURL(/\/access-disabled/);
    await expect(heading).toBeVisible();
    await expect(page.getByText("404")).toHaveCount(0);
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login/);
    await expect(page.getByLabel("Work email")).toBeVisible();
  });

  test("item 4: the wizard's name and slug follow the chosen IdP (mouse and arrow keys) until the person types their own", async ({
    page,
    makeWorkspace,
  }) => {
    const ws = await makeWorkspace();
    await signInWithPassword(page, ws.ownerEmail, ws.ownerPassword);
    await expect(page).toHaveURL(new RegExp(`/w/${ws.slug}`));
    await page.goto(`/w/${ws.slug}/settings/sso/new`);
    const name = page.getByLabel("Connection name");
    const slug = page.getByLabel("Slug");

    await page.locator("label", { hasText: "Okta" }).first().click();
    await expect(name).toHaveValue("Okta");
    await expect(slug).toHaveValue(`${ws.slug}-okta`);
    await page.locator("label", { hasText: "Microsoft Entra ID" }).click();
    await expect(page.getByRole("heading", { name: "Step 1 · Name your Microsoft Entra ID connection" })).toBeVisible();
    await expect(name).toHaveValue("Microsoft Entra ID");
    await expect(slug).toHaveValue(`${ws.slug}-microsoft-entra-id`);

    // Keyboard: the radio group pattern (arrows move and select); the name and slug follow each choice.
    await page.getByRole("radio", { name: /Microsoft Entra ID/ }).focus();
    await page.keyboard.press("ArrowRight");
    await expect(page.getByRole("radio", { name: /Google Workspace/ })).toBeFocused();
    await expect(page.getByRole("heading", { name: "Step 1 · Name your Google Workspace connection" })).toBeVisible();
    await expect(name).toHaveValue("Google Workspace");
    await expect(slug).toHaveValue(`${ws.slug}-google-workspace`);
    await page.keyboard.press("ArrowLeft");
    await expect(page.getByRole("heading", { name: "Step 1 · Name your Microsoft Entra ID connection" })).toBeVisible();
    await expect(name).toHaveValue("Microsoft Entra ID");

    // What the person typed is never overwritten by passing cards.
    await name.fill("Acme production");
    await expect(slug).toHaveValue(`${ws.slug}-acme-production`);
    await page.getByRole("radio", { name: /Microsoft Entra ID/ }).focus();
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    await expect(page.getByRole("heading", { name: "Step 1 · Name your OneLogin connection" })).toBeVisible();
    await expect(name).toHaveValue("Acme production");
    await expect(slug).toHaveValue(`${ws.slug}-acme-production`);
  });
});

test.describe("issue 15: the demo shows the real thing", () => {
  test("item 5: jane.doe@acme.test on /login goes through SP-initiated SSO to the Demo IdP; acme.test is a labelled seed", async ({
    page,
    browser,
    baseURL,
    state: st,
  }) => {
    await page.goto("/login");
    await page.getByLabel("Work email").fill("jane.doe@acme.test");
    await page.getByRole("button", { name: "Continue" }).click();
    const cont = page.getByRole("button", { name: "Continue with Demo IdP" });
    await expect(cont).toBeVisible();
    await cont.click();
    await expect(page).toHaveURL(/\/dev\/idp\/sso\/choose/);
    await page.getByLabel("Email").fill("jane.doe@acme.test");
    await page.getByLabel("First name").fill("Jane");
    await page.getByLabel("Last name").fill("Doe");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/w\/acme/);
    await expect(page.getByRole("navigation", { name: "Workspace settings" })).toBeVisible();

    // The owner sees acme.test verified, routed to the Demo IdP, labelled as the demo's seed.
    const ctx = await browser.newContext({ baseURL });
    const owner = await ctx.newPage();
    await signInWithPassword(owner, st.demoOwner.email, st.demoOwner.password);
    await expect(owner).toHaveURL(/\/w\/acme/);
    await owner.goto("/w/acme/settings/domains");
    const row = owner.getByRole("listitem", { name: "acme.test" });
    await expect(row.getByText("Verified", { exact: true })).toBeVisible();
    await expect(row.getByText("Demo seed (development)")).toBeVisible();
    await expect(row.getByText("People with @acme.test addresses are sent to Demo IdP (demo-idp).")).toBeVisible();
    await ctx.close();
  });
});

test.describe("issue 15: confirmation and feedback", () => {
  test("item 11: role changes (Owner above all), Disable and Remove ask first and end with a toast; Last sign-in updates when an invited person signs in", async ({
    page,
    browser,
    baseURL,
    makeWorkspace,
    db,
  }) => {
    test.setTimeout(360_000);
    const ws = await makeWorkspace();
    const email = `role-${ws.slug}@example.test`;
    await addMember(db, ws.id, { email });
    await signInWithPassword(page, ws.ownerEmail, ws.ownerPassword);
    await expect(page).toHaveURL(new RegExp(`/w/${ws.slug}`));
    await page.goto(`/w/${ws.slug}/settings/members`);
    const row = page.getByTestId(`member-${email}`);

    // Promotion to Owner: a warning dialog; cancelling changes nothing.
    await row.getByLabel(`Role of ${email}`).selectOption("owner");
    const dialog = page.getByRole("dialog", { name: `Make ${email} an Owner?` });
    await expect(dialog).toContainText("An owner can remove you and every other owner");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
    await expect(row.getByLabel(`Role of ${email}`)).toHaveValue("viewer");
    await expect(row.getByTestId("member-role")).toHaveText("viewer");

    // Admin: confirmed, then a toast.
    await row.getByLabel(`Role of ${email}`).selectOption("admin");
    await page
      .getByRole("dialog", { name: `Make ${email} an Admin?` })
      .getByRole("button", { name: "Make Admin" })
      .click();
    await expect(page.getByTestId("toast").filter({ hasText: `${email} is now an Admin` })).toBeVisible();
    await expect(row.getByTestId("member-role")).toHaveText("admin");

    // Disable, then Remove: each asks first, each ends with a toast.
    await row.getByRole("button", { name: `Disable ${email}` }).click();
    await page
      .getByRole("dialog", { name: `Disable ${email}?` })
      .getByRole("button", { name: "Disable member" })
      .click();
    await expect(page.getByTestId("toast").filter({ hasText: `${email} is disabled` })).toBeVisible();
    await expect(row.getByText("disabled", { exact: true })).toBeVisible();
    await row.getByRole("button", { name: `Remove ${email}` }).click();
    await page
      .getByRole("dialog", { name: `Remove ${email}?` })
      .getByRole("button", { name: "Remove member" })
      .click();
    await expect(page.getByTestId("toast").filter({ hasText: `${email} was removed` })).toBeVisible();
    await expect(page.getByTestId(`member-${email}`)).toHaveCount(0);

    // An invited person signs up through the link: their row's Last sign-in is no longer "Never".
    const invited = `grace-${ws.slug}@example.test`;
    await page.getByLabel("Email").fill(invited);
    await page.getByRole("button", { name: "Invite", exact: true }).click();
    const link = await page.getByRole("textbox", { name: "Invitation link" }).inputValue();
    const invitedRow = page.getByTestId(`member-${invited}`);
    await expect(invitedRow).toContainText("Never");
    const ctx = await browser.newContext({ baseURL });
    const guest = await ctx.newPage();
    await guest.goto(link);
    await guest.getByLabel("First name").fill("Grace");
    await guest.getByLabel("Last name").fill("Hopper");
    await guest.getByLabel("Choose a password").fill("grace-password-123");
    await guest.getByRole("button", { name: "Create account and join" }).click();
    await expect(guest).toHaveURL(new RegExp(`/w/${ws.slug}`));
    await ctx.close();
    await page.reload();
    await expect(page.getByTestId(`member-${invited}`)).not.toContainText("Never");
    await expect(page.getByTestId(`member-${invited}`)).toContainText(new Date().toISOString().slice(0, 10));
  });

  test("item 12: at 1280×800 the 'Connection created' toast does not cover the Audience URI Copy button", async ({
    page,
    makeWorkspace,
  }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    const ws = await makeWorkspace();
    await signInWithPassword(page, ws.ownerEmail, ws.ownerPassword);
    await expect(page).toHaveURL(new RegExp(`/w/${ws.slug}`));
    await page.goto(`/w/${ws.slug}/settings/sso/new`);
    await page.locator("label", { hasText: "Okta" }).first().click();
    await expect(page.getByText("✓ Available")).toBeVisible();
    await page.getByRole("button", { name: "Create and continue" }).click();
    // The toast is position: fixed in the console shell, which stays across the navigation to step 2.
    const toast = page.getByTestId("toast").filter({ hasText: "Connection created" });
    await expect(toast).toBeVisible();
    let t = (await toast.boundingBox())!;
    await page.waitForURL(/\/setup\?step=2/);
    const copy = page.getByRole("button", { name: /^Copy Audience URI/ }).first();
    await expect(copy).toBeVisible();
    t = (await toast.boundingBox().catch(() => null)) ?? t;
    const c = (await copy.boundingBox())!;
    const overlap = t.x < c.x + c.width && c.x < t.x + t.width && t.y < c.y + c.height && c.y < t.y + t.height;
    expect(overlap, `toast ${JSON.stringify(t)} vs Copy ${JSON.stringify(c)}`).toBe(false);
    // Nor any other control of the page content.
    const main = (await page.locator("main#main").boundingBox())!;
    expect(t.x + t.width).toBeLessThanOrEqual(main.x);
    await page.screenshot({ path: test.info().outputPath("toast-1280.png") });
  });

  test("item 12: at 1024×768 the SSO table shows every column and domains never break inside", async ({ page, makeWorkspace, db }) => {
    await page.setViewportSize({ width: 1024, height: 768 });
    const ws = await makeWorkspace();
    const conn = await builtInConnection(db, ws.id, `idp-${ws.slug}-with-a-long-slug`, "Okta (production, EU tenant)");
    for (const name of [`subsidiary-with-a-long-name-${ws.slug}.test`, `corp-${ws.slug}.test`]) {
      await addVerifiedDomain(db, ws.id, name, conn.id);
    }
    await signInWithPassword(page, ws.ownerEmail, ws.ownerPassword);
    await expect(page).toHaveURL(new RegExp(`/w/${ws.slug}`));
    await page.goto(`/w/${ws.slug}/settings/sso`);
    const table = page.getByRole("table", { name: "SSO connections" });
    await expect(table).toBeVisible();
    for (const h of ["Connection", "Status", "Routed domains", "Last successful sign-in", "Failures (24 h)", "Certificate expiry"]) {
      const th = table.getByRole("columnheader", { name: h });
      await expect(th).toBeInViewport();
    }
    const m = await page.evaluate(() => {
      const t = document.querySelector("table")!;
      const box = t.parentElement!;
      // For each routed domain: the characters after which the rendered line changes (must be "." or "-").
      const breaks = [...t.querySelectorAll('[data-testid="routed-domain"]')].map((el) => {
        const text = el.textContent ?? "";
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        const tops: { ch: string; top: number }[] = [];
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          for (let i = 0; i < (n.textContent ?? "").length; i++) {
            const r = document.createRange();
            r.setStart(n, i);
            r.setEnd(n, i + 1);
            tops.push({ ch: n.textContent![i]!, top: Math.round(r.getBoundingClientRect().top) });
          }
        }
        const at = tops.flatMap((c, i) => (i > 0 && c.top > tops[i - 1]!.top ? [tops[i - 1]!.ch] : []));
        return { text, at };
      });
      return {
        scroll: box.scrollWidth,
        client: box.clientWidth,
        doc: document.documentElement.scrollWidth,
        view: window.innerWidth,
        breaks,
      };
    });
    expect(m.scroll, "table overflows its box").toBeLessThanOrEqual(m.client);
    expect(m.doc, "page overflows horizontally").toBeLessThanOrEqual(m.view);
    expect(m.breaks).toHaveLength(2);
    for (const b of m.breaks)
      expect(
        b.at.every((ch) => ch === "." || ch === "-"),
        `${b.text} broke after ${b.at.join(" ")}`,
      ).toBe(true);
    await page.screenshot({ path: test.info().outputPath("sso-table-1024.png"), fullPage: true });
  });

  test("item 13: the audit log names members, domains and connections, filters by URL, and exports CSV with formula cells neutralised", async ({
    page,
    makeWorkspace,
    db,
  }) => {
    const ws = await makeWorkspace();
    const actor = { userId: null, role: "owner" as const };
    const email = `audited-${ws.slug}@example.test`;
    const m = await addMember(db, ws.id, { email });
    await changeMemberRole(db, ws.id, m.membership.id, "editor", actor);
    const gone = `gone-${ws.slug}.test`;
    const d = await addDomain(db, ws.id, gone, {});
    await removeDomain(db, ws.id, d.id, {});
    await builtInConnection(db, ws.id, `idp-${ws.slug}`, "Okta production");
    await createApiKey(db, ws.id, { name: '=HYPERLINK("http://evil.test")', role: "viewer" }, OPERATOR);

    await signInWithPassword(page, ws.ownerEmail, ws.ownerPassword);
    await expect(page).toHaveURL(new RegExp(`/w/${ws.slug}`));
    await page.goto(`/w/${ws.slug}/settings/audit`);
    const targets = page.getByTestId("audit-target");
    await expect(targets.filter({ hasText: `Member ${email}` })).toBeVisible();
    await expect(targets.filter({ hasText: `Domain ${gone} (deleted)` }).first()).toBeVisible();
    await expect(targets.filter({ hasText: `Connection Okta production (idp-${ws.slug})` }).first()).toBeVisible();
    await expect(page.getByText(/membership [0-9a-f]{8}/)).toHaveCount(0);

    // Filters live in the URL: shareable.
    await page.getByLabel("Action").fill("domain");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(/[?&]action=domain/);
    await expect(targets.filter({ hasText: `Member ${email}` })).toHaveCount(0);
    await expect(targets.filter({ hasText: gone }).first()).toBeVisible();
    const shared = page.url();
    const fresh = await page.context().newPage();
    await fresh.goto(shared);
    await expect(fresh.getByLabel("Action")).toHaveValue("domain");
    await expect(fresh.getByTestId("audit-target").filter({ hasText: `Member ${email}` })).toHaveCount(0);
    await fresh.close();

    // CSV export of the filtered view; then of everything, with the formula-looking key name neutralised.
    const download1 = page.waitForEvent("download");
    await page.getByRole("link", { name: "Export CSV" }).click();
    const csv1 = readFileSync((await (await download1).path())!, "utf8");
    const lines1 = csv1.trim().split("\r\n");
    expect(lines1[0]).toBe("time_utc,actor,actor_type,action,target_type,target_name,target_id,ip,before,after");
    expect(lines1.slice(1).every((l) => l.includes(",domain.") && l.includes(gone))).toBe(true);
    expect(lines1.length).toBe(3);

    await page.goto(`/w/${ws.slug}/settings/audit?target=HYPERLINK`);
    const download2 = page.waitForEvent("download");
    await page.getByRole("link", { name: "Export CSV" }).click();
    const csv2 = readFileSync((await (await download2).path())!, "utf8");
    expect(csv2).toContain(`"'=HYPERLINK(""http://evil.test"")"`);
    expect(csv2).not.toMatch(/,=HYPERLINK/);
  });
});
