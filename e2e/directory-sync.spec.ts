import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import AxeBuilder from "@axe-core/playwright";
import type { Page, TestInfo } from "@playwright/test";
import { Webhook } from "standardwebhooks";
import { setUserPassword } from "../lib/services/users";
import { addVerifiedDomain } from "../lib/testing/fixtures";
import { expect, signInWithPassword, test } from "./support/fixtures";

/**
 * Directory sync end to end: an owner creates an Okta directory in the console and copies its token;
 * the "IdP" provisions a person over SCIM; the person shows in Members and signs in; the IdP
 * deactivates them and their open console session ends on its next request.
 */
test("create a directory, copy the token, provision by SCIM, see the member, deprovision: their open session ends", async ({
  page,
  browser,
  db,
  makeWorkspace,
  baseURL,
}) => {
  const ws = await makeWorkspace({ name: "Directory Co" });
  const domain = `people-${ws.id.slice(0, 8)}.test`;
  await addVerifiedDomain(db, ws.id, domain);
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);

  await signInWithPassword(page, ws.ownerEmail, ws.ownerPassword);
  await expect(page).toHaveURL(new RegExp(`/w/${ws.slug}/`));
  await page.getByRole("link", { name: "Directory sync" }).click();
  await expect(page.getByText("No directory yet")).toBeVisible();
  await expect(page.getByText(/Google Workspace has no SCIM provisioning for custom apps/).filter({ visible: true })).toBeVisible();
  await page.getByRole("button", { name: "New directory" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Okta").check();
  await dialog.getByLabel("Name").fill("Okta production");
  await dialog.getByRole("button", { name: "Create directory" }).click();
  await expect(dialog.getByRole("heading", { name: "Connect Okta" })).toBeVisible();
  const baseUrl = await dialog.getByRole("textbox", { name: "SCIM connector base URL" }).inputValue();
  const tokenField = dialog.getByRole("textbox", { name: "Bearer token (Authentication Mode: HTTP Header)" });
  const token = await tokenField.inputValue();
  expect(baseUrl).toMatch(/\/api\/scim\/v2\/[0-9a-f-]{36}$/);
  expect(token).toMatch(/^scim_/);
  await dialog.getByRole("button", { name: "Copy Bearer token (Authentication Mode: HTTP Header)" }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
  await dialog.getByRole("button", { name: "I have copied the token" }).click();
  await expect(page.getByRole("link", { name: "Okta production" })).toBeVisible();

  // The IdP provisions a person.
  const email = `pat.doe@${domain}`;
  const scim = (method: "post" | "patch", path: string, data: unknown) =>
    page.request[method](`${baseUrl}${path}`, {
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/scim+json" },
      data,
    });
  const created = await scim("post", "/Users", {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
    userName: email,
    name: { givenName: "Pat", familyName: "Doe" },
    emails: [{ primary: true, type: "work", value: email }],
    active: true,
  });
  expect(created.status()).toBe(201);
  const scimId = (await created.json()).id as string;

  await page.goto(`/w/${ws.slug}/settings/members`);
  const row = page.getByRole("row", { name: new RegExp(email.replace(/\./g, "\\.")) });
  await expect(row).toBeVisible();
  await expect(row.getByText("SCIM")).toBeVisible();

  // The person has a console session of their own.
  const password = `pw-${randomBytes(9).toString("base64url")}`;
  await setUserPassword(db, email, password);
  const personContext = await browser.newContext({ baseURL });
  const person = await personContext.newPage();
  await signInWithPassword(person, email, password);
  await expect(person).toHaveURL(new RegExp(`/w/${ws.slug}/`));

  // The IdP deactivates them: the next request of their open session lands on the login page.
  const off = await scim("patch", `/Users/${scimId}`, {
    schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    Operations: [{ op: "replace", value: { active: false } }],
  });
  expect(off.status()).toBe(200);
  await person.reload();
  await expect(person).toHaveURL(/\/login/);
  await personContext.close();

  // The admin sees it: deprovisioned in the directory, and the requests in its log.
  await page.goto(`/w/${ws.slug}/settings/directory-sync`);
  await page.getByRole("link", { name: "Okta production" }).click();
  await expect(page.getByRole("table", { name: "Synced users" }).getByText("Deprovisioned")).toBeVisible();
  await expect(page.getByText(`PATCH /Users/${scimId}`)).toBeVisible();
});

/** Settings → Webhooks: add an endpoint (secret once), an event is delivered and signed, redeliver; both pages pass axe. */
test("webhooks in the console: add an endpoint, see a signed delivery in the log, redeliver; directory and webhook pages pass axe", async ({
  page,
  db,
  makeWorkspace,
}, testInfo) => {
  const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  const ws = await makeWorkspace({ name: "Hooks Co" });
  const domain = `hooks-${ws.id.slice(0, 8)}.test`;
  await addVerifiedDomain(db, ws.id, domain);

  await signInWithPassword(page, ws.ownerEmail, ws.ownerPassword);
  await expect(page).toHaveURL(new RegExp(`/w/${ws.slug}/`));
  await page.getByRole("link", { name: "Webhooks" }).click();
  await expect(page.getByText("No endpoints yet")).toBeVisible();
  await axe(page, testInfo, "webhooks-empty");
  await page.getByRole("button", { name: "Add endpoint" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Endpoint URL").fill(hookUrl);
  await dialog.getByLabel("user.created").check();
  await dialog.getByRole("button", { name: "Add endpoint" }).click();
  const secret = await dialog.getByRole("textbox", { name: "Signing secret" }).inputValue();
  expect(secret).toMatch(/^whsec_/);
  await dialog.getByRole("button", { name: "I have copied the secret" }).click();
  await expect(page.getByRole("link", { name: hookUrl })).toBeVisible();

  // Something happens: a directory provisions a person (user.created), delivered by the scheduler.
  const { createDirectory } = await import("../lib/services/directories");
  const { directory, token } = await createDirectory(db, ws.id, { name: "Entra", kind: "entra", defaultRole: "viewer" }, { userId: null });
  const base = `${new URL(page.url()).origin}/api/scim/v2/${directory.id}`;
  const created = await page.request.post(`${base}/Users`, {
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/scim+json" },
    data: { userName: `lee@${domain}`, emails: [{ value: `lee@${domain}`, primary: true }], active: true },
  });
  expect(created.status()).toBe(201);
  await expect.poll(() => received.length).toBeGreaterThanOrEqual(1);
  const got = received[0]!;
  const payload = new Webhook(secret).verify(got.body, got.headers as Record<string, string>) as { type: string; data: { email: string } };
  expect(payload).toMatchObject({ type: "user.created", data: { email: `lee@${domain}` } });

  await page.getByRole("link", { name: hookUrl }).click();
  const log = page.getByRole("table", { name: "Deliveries" });
  await expect(log.getByText("user.created")).toBeVisible();
  await expect(log.getByText("succeeded")).toBeVisible();
  await axe(page, testInfo, "webhook-endpoint");
  await log.getByRole("button", { name: "Redeliver" }).click();
  await expect.poll(() => received.length).toBeGreaterThanOrEqual(2);
  expect(received[1]!.headers["webhook-id"]).toBe(got.headers["webhook-id"]);

  await page.getByRole("link", { name: "Directory sync" }).click();
  await expect(page.getByRole("heading", { name: "Directory sync" })).toBeVisible();
  await axe(page, testInfo, "directory-sync-list");
  await page.getByRole("link", { name: "Entra" }).click();
  await expect(page.getByRole("heading", { name: "Entra", exact: true })).toBeVisible();
  await expect(page.getByRole("table", { name: "Synced users" }).getByText(`lee@${domain}`)).toBeVisible();
  await axe(page, testInfo, "directory-detail");
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Screenshot (an artifact) and axe: no serious or critical violations. */
async function axe(page: Page, testInfo: TestInfo, name: string) {
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ rule: v.id, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
  expect.soft(serious, `axe on ${name}`).toEqual([]);
}
