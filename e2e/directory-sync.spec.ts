import { randomBytes } from "node:crypto";
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
