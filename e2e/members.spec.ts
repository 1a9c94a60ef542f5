import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { APIRequestContext, Browser, Page } from "@playwright/test";
import { createDevIdp } from "../lib/dev-idp";
import { createApiKey } from "../lib/services/api-keys";
import { expect, signInWithPassword, test } from "./support/fixtures";
import { OPERATOR } from "../lib/services/actor";

type IdpUser = { email: string; firstName: string; lastName: string; groups: string[] };

/**
 * A corporate IdP stand-in on loopback (real signatures from lib/dev-idp): answers the AuthnRequest
 * with a page whose "Continue" button posts the signed response to the ACS. `user` is mutable, so a
 * test can change the person's groups between sign-ins.
 */
async function startLoopbackIdp(user: IdpUser) {
  const idp = createDevIdp({ entityId: `http://idp.members.test/${Math.random().toString(36).slice(2)}` });
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname !== "/sso") return void res.writeHead(404).end();
    const request = idp.parseAuthnRequest({ binding: "redirect", query: url.search });
    const samlResponse = idp.createResponse({
      acsUrl: request.acsUrl!,
      audience: request.issuer!,
      inResponseTo: request.id,
      nameId: user.email,
      attributes: { email: user.email, firstName: user.firstName, lastName: user.lastName, groups: user.groups },
    });
    res
      .writeHead(200, { "content-type": "text/html; charset=utf-8" })
      .end(
        `<!doctype html><title>Loopback IdP</title><h1>Loopback IdP</h1><p>Signing in ${esc(user.email)}</p>` +
          `<form method="post" action="${esc(request.acsUrl!)}"><input type="hidden" name="SAMLResponse" value="${esc(samlResponse)}">` +
          `<input type="hidden" name="RelayState" value="${esc(request.relayState ?? "")}"><button type="submit">Continue</button></form>`,
      );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const ssoUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sso`;
  return { user, metadataXml: idp.metadataXml(ssoUrl), close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Create the connection and its role mapping through the public REST API, as a script would. */
async function setUpConnection(request: APIRequestContext, apiKey: string, slug: string, metadataXml: string) {
  const headers = { authorization: `Bearer ${apiKey}` };
  const created = await request.post("/api/v1/connections", {
    headers,
    data: {
      name: "Members IdP",
      slug,
      idp_type: "okta",
      metadata_xml: metadataXml,
      default_role: "viewer",
      apply_mapping_every_login: true,
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const connection = (await created.json()).data as { id: string };
  const mapped = await request.put(`/api/v1/connections/${connection.id}/role-mappings`, {
    headers,
    data: { rules: [{ attribute: "groups", value: "Gatehouse Admins", role: "admin" }] },
  });
  expect(mapped.status(), await mapped.text()).toBe(200);
  return connection;
}

/** SP-initiated SSO in a fresh browser context, landing on the members page. */
async function signInWithSso(browser: Browser, baseURL: string, slug: string, workspace: string): Promise<Page> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await page.goto(`/auth/sso/saml/${slug}/login?return_to=${encodeURIComponent(`/w/${workspace}/settings/members`)}`);
  await expect(page.getByRole("heading", { name: "Loopback IdP" })).toBeVisible();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL(new RegExp(`/w/${workspace}/settings/members$`));
  return page;
}

test.describe("members, role mapping and removal", () => {
  test("an IdP group mapped to admin shows as admin after SSO sign-in; removal ends the live session at once", async ({
    page,
    browser,
    request,
    db,
    makeWorkspace,
    state,
  }) => {
    const ws = await makeWorkspace({ name: "Mapped Co" });
    const { secret } = await createApiKey(db, ws.id, { name: "e2e", role: "owner" }, OPERATOR);
    const email = `ada@${ws.slug}.test`;
    const idp = await startLoopbackIdp({ email, firstName: "Ada", lastName: "Admin", groups: ["Everyone", "Gatehouse Admins"] });
    try {
      const slug = `${ws.slug}-idp`;
      await setUpConnection(request, secret, slug, idp.metadataXml);

      // The person signs in through their IdP and is provisioned as admin by the group rule.
      const ssoPage = await signInWithSso(browser, state.baseURL, slug, ws.slug);
      const ownRow = ssoPage.getByTestId(`member-${email}`);
      await expect(ownRow.getByTestId("member-role")).toHaveText("admin");
      await expect(ownRow).toContainText("Ada Admin");
      await expect(ownRow).toContainText("SSO · Members IdP");
      await expect(ssoPage.getByRole("heading", { name: "Invite a member" })).toBeVisible();
      // The same session works on the second instance (sessions live in the database, not in one process).
      if (state.secondURL) {
        const res = await ssoPage.goto(`${state.secondURL}/w/${ws.slug}/settings/members`);
        expect(res?.status()).toBe(200);
        await ssoPage.goto(`/w/${ws.slug}/settings/members`);
      }

      // The owner sees the mapped role and removes the member in the console.
      await signInWithPassword(page, ws.ownerEmail, ws.ownerPassword);
      await page.waitForURL(/\/w\//);
      await page.goto(`/w/${ws.slug}/settings/members`);
      const row = page.getByTestId(`member-${email}`);
      await expect(row.getByTestId("member-role")).toHaveText("admin");
      await row.getByRole("button", { name: "Remove Ada Admin" }).click();
      await page.getByRole("dialog").getByRole("button", { name: "Remove member" }).click();
      await expect(page.getByTestId(`member-${email}`)).toHaveCount(0);

      // The removed person's open session is refused on the very next request, on both instances.
      await ssoPage.reload();
      await expect(ssoPage).toHaveURL(/\/login/);
      if (state.secondURL) {
        await ssoPage.goto(`${state.secondURL}/w/${ws.slug}/settings/members`);
        await expect(ssoPage).toHaveURL(/\/login/);
      }
      await ssoPage.context().close();
    } finally {
      await idp.close();
    }
  });

  test("leaving the IdP group demotes at the next sign-in when mapping applies on every sign-in", async ({
    browser,
    request,
    db,
    makeWorkspace,
    state,
  }) => {
    const ws = await makeWorkspace({ name: "Demote Co" });
    const { secret } = await createApiKey(db, ws.id, { name: "e2e", role: "owner" }, OPERATOR);
    const email = `bo@${ws.slug}.test`;
    const idp = await startLoopbackIdp({ email, firstName: "Bo", lastName: "Grouped", groups: ["Gatehouse Admins"] });
    try {
      const slug = `${ws.slug}-idp`;
      await setUpConnection(request, secret, slug, idp.metadataXml);
      const first = await signInWithSso(browser, state.baseURL, slug, ws.slug);
      await expect(first.getByTestId(`member-${email}`).getByTestId("member-role")).toHaveText("admin");
      await first.context().close();

      idp.user.groups = ["Everyone"];
      const second = await signInWithSso(browser, state.baseURL, slug, ws.slug);
      await expect(second.getByTestId(`member-${email}`).getByTestId("member-role")).toHaveText("viewer");
      await expect(second.getByRole("heading", { name: "Invite a member" })).toHaveCount(0);
      await second.context().close();
    } finally {
      await idp.close();
    }
  });

  test("an owner invites by email, the link is shown to copy, and the invitee signs up with a password", async ({
    page,
    browser,
    makeWorkspace,
    state,
  }) => {
    const ws = await makeWorkspace({ name: "Invite Co" });
    const email = `ivy@${ws.slug}.test`;
    await signInWithPassword(page, ws.ownerEmail, ws.ownerPassword);
    await page.waitForURL(/\/w\//);
    await page.goto(`/w/${ws.slug}/settings/members`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Role", { exact: true }).selectOption("editor");
    await page.getByRole("button", { name: "Invite", exact: true }).click();
    const link = await page.getByRole("textbox", { name: "Invitation link" }).inputValue();
    expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);
    await expect(page.getByTestId(`member-${email}`)).toContainText("invited");

    const invitee = await (await browser.newContext({ baseURL: state.baseURL })).newPage();
    await invitee.goto(link);
    await expect(invitee.getByRole("heading", { name: "Join Invite Co" })).toBeVisible();
    await invitee.getByLabel("First name").fill("Ivy");
    await invitee.getByLabel("Last name").fill("Invitee");
    await invitee.getByLabel("Choose a password").fill("a long enough password");
    await invitee.getByRole("button", { name: "Create account and join" }).click();
    await invitee.waitForURL(new RegExp(`/w/${ws.slug}`));
    await invitee.goto(`/w/${ws.slug}/settings/members`);
    const row = invitee.getByTestId(`member-${email}`);
    await expect(row.getByTestId("member-role")).toHaveText("editor");
    await expect(row).toContainText("active");

    // The link works once.
    await invitee.goto(link);
    await expect(invitee.getByRole("heading", { name: "Invitation not valid" })).toBeVisible();
    await invitee.context().close();
  });
});
