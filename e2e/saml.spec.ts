import { randomBytes } from "node:crypto";
import { resetEnvForTests } from "../lib/env";
import { connectionCreateSchema } from "../lib/schemas/connections";
import { createConnection } from "../lib/services/connections";
import { readState } from "./support/state";
import { expect, test } from "./support/fixtures";
import { OPERATOR } from "../lib/services/actor";

// SP keys made here must be readable by the app: use the app's data directory (its dev secrets).
const state = readState();
process.env.APP_ENV = "development";
process.env.APP_URL = state.baseURL;
process.env.DATA_DIR = state.dataDir;
resetEnvForTests();

const uniqueEmail = (prefix: string, domain = "sso-e2e.test") => `${prefix}-${randomBytes(4).toString("hex")}@${domain}`;

test.describe("SAML round trips through the built-in IdP", () => {
  test("SP-initiated: login URL → /dev/idp chooser → ACS → signed in to the console", async ({ page, makeWorkspace, db, baseURL }) => {
    const ws = await makeWorkspace();
    const metadataXml = await (await fetch(`${baseURL}/dev/idp/metadata`)).text();
    const slug = `sp-${ws.slug}`;
    await createConnection(db, ws.id, connectionCreateSchema.parse({ name: "Built-in IdP", slug, idpType: "dev", metadataXml }), OPERATOR);

    await page.goto(`/auth/sso/saml/${slug}/login?return_to=/w/${ws.slug}/settings/members`);
    await expect(page).toHaveURL(/\/dev\/idp\/sso\/choose/);
    await expect(page.getByRole("heading", { name: "Sign in as…" })).toBeVisible();
    const email = uniqueEmail("sp");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("First name").fill("Sam");
    await page.getByLabel("Last name").fill("Sp");
    await page.getByRole("button", { name: "Sign in" }).click();

    await expect(page).toHaveURL(new RegExp(`/w/${ws.slug}/settings/members`));
    await expect(page.getByRole("navigation", { name: "Workspace settings" })).toBeVisible();
    await expect(page.getByText(email).first()).toBeVisible();
  });

  test("IdP-initiated: the demo workspace's Demo IdP from the /dev/idp launcher → signed in to the console", async ({ page }) => {
    await page.goto("/dev/idp");
    await expect(page.getByRole("heading", { name: "Built-in IdP" })).toBeVisible();
    await page.getByLabel("Application (connection)").selectOption("demo-idp");
    await page.getByLabel("Email").fill(uniqueEmail("idp", "acme.test"));
    await page.getByRole("button", { name: "Sign in to the application" }).click();
    await expect(page).toHaveURL(/\/w\/acme\//);
    await expect(page.getByRole("navigation", { name: "Workspace settings" })).toBeVisible();
  });

  test("a replayed POST of the same response shows the SAML_REPLAY error page", async ({ page, request }) => {
    const res = await request.post("/dev/idp/respond", {
      form: { slug: "demo-idp", email: uniqueEmail("replay", "acme.test"), first_name: "Re", last_name: "Play", groups: "" },
    });
    const html = await res.text();
    const samlResponse = /name="SAMLResponse" value="([^"]*)"/.exec(html)![1]!;
    const acs = /action="([^"]*)"/.exec(html)![1]!;
    const post = async () => {
      // From a blank page: writing over the console while it still hydrates would let React re-render it.
      await page.goto("about:blank");
      await page.setContent(
        `<form method="post" action="${acs}"><input type="hidden" name="SAMLResponse" value="${samlResponse}"><button>Post</button></form>`,
      );
      await page.getByRole("button", { name: "Post" }).click();
    };
    await post();
    await expect(page).toHaveURL(/\/w\/acme\//);
    await post();
    await expect(page.getByText("SAML_REPLAY")).toBeVisible();
    await expect(page.getByText("Who can fix this")).toBeVisible();
    await expect(page).toHaveURL(/\/auth\/sso\/saml\/demo-idp\/acs$/);
  });

  test("login CSRF: a ticket URL opened in another browser context is refused and starts no session there", async ({
    browser,
    baseURL,
  }) => {
    const attacker = await browser.newContext({ baseURL });
    const victim = await browser.newContext({ baseURL });
    try {
      // The attacker signs in as themselves (IdP-initiated through the demo connection) and stops at the ACS redirect.
      const signedResponse = async () => {
        const res = await attacker.request.post("/dev/idp/respond", {
          form: { slug: "demo-idp", email: uniqueEmail("csrf", "acme.test"), first_name: "Mal", last_name: "Lory", groups: "" },
        });
        const html = await res.text();
        return { samlResponse: /name="SAMLResponse" value="([^"]*)"/.exec(html)![1]!, acs: /action="([^"]*)"/.exec(html)![1]! };
      };
      const stopAtRedirect = async () => {
        const { samlResponse, acs } = await signedResponse();
        const posted = await attacker.request.post(acs, { form: { SAMLResponse: samlResponse }, maxRedirects: 0 });
        expect(posted.status()).toBe(303);
        return posted.headers()["location"]!;
      };

      // Control: in the attacker's own browser the ticket completes (the ACS's cookie is there).
      const own = await attacker.newPage();
      await own.goto(await stopAtRedirect());
      await expect(own).toHaveURL(/\/w\/acme\//);

      // The attack: the victim opens a fresh ticket URL the attacker sent.
      const page = await victim.newPage();
      await page.goto(await stopAtRedirect());
      await expect(page.getByText("SAML_BROWSER_MISMATCH")).toBeVisible();
      await expect(page.getByText("This sign-in was started in another browser.")).toBeVisible();
      expect((await victim.cookies()).some((c) => c.name.endsWith("next-auth.session-token"))).toBe(false);
      await page.goto("/w/acme/settings/members");
      await expect(page).toHaveURL(/\/login/);
    } finally {
      await attacker.close();
      await victim.close();
    }
  });
});
