import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniq as uniqueSuffix } from "@/lib/testing/fixtures";
import { routeDomain, signInWithSso, startOidcServer, HttpBrowser, type OidcServer } from "@/lib/testing/oidc-kit";
import { makeSamlKit } from "@/lib/testing/saml-kit";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { demoAppUrls, demoLogoutUrl, ensureDemoApplication, finishDemoSignIn, readDemoSession, startDemoSignIn } from "./demo-app";
import { findApplicationByClientId } from "./applications";
import { DEMO_APP_CLIENT_ID } from "./demo-app";

let t: TestDb;
let op: OidcServer;
beforeAll(async () => {
  t = await createTestDb();
  op = await startOidcServer(t.db);
});
afterAll(async () => {
  await op.close();
  await t.close();
});

describe("the demo application (development)", () => {
  it("is registered once, re-pointed when APP_URL changes, and signs in through the provider with verified claims", async () => {
    await ensureDemoApplication(t.db, "http://localhost:4000");
    await ensureDemoApplication(t.db, op.url);
    await ensureDemoApplication(t.db, op.url);
    const app = (await findApplicationByClientId(t.db, DEMO_APP_CLIENT_ID))!;
    expect(app.redirectUris).toEqual([demoAppUrls(op.url).callback]);
    expect(app.initiateLoginUri).toBe(demoAppUrls(op.url).login);

    const kit = await makeSamlKit(t.db);
    const domain = `demo-${uniqueSuffix()}.test`;
    await routeDomain(t.db, kit.workspace.id, domain, kit.connection.id);
    const start = await startDemoSignIn(t.db, op.url, { connection: kit.connection.slug });
    const browser = new HttpBrowser(op.url);
    const first = await browser.navigate(start.url);
    const returnTo = new URL(first.location!).searchParams.get("return_to")!;
    await signInWithSso(t.db, browser, kit, { email: `demo@${domain}`, returnTo });
    const callback = (await browser.navigate(`${op.url}${returnTo}`)).location!;
    expect(callback.startsWith(demoAppUrls(op.url).callback)).toBe(true);

    const sealed = await finishDemoSignIn(t.db, op.url, callback, start.transaction);
    const session = readDemoSession(sealed)!;
    expect(session.claims).toMatchObject({ email: `demo@${domain}`, org_slug: kit.workspace.slug, role: "viewer", amr: ["sso"] });
    // A transaction from another browser (or none) is refused.
    await expect(finishDemoSignIn(t.db, op.url, callback, null)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await demoLogoutUrl(t.db, op.url, session)).toMatch(new RegExp(`^${op.issuer}/session/end\\?.*id_token_hint=`));
    // An IdP-initiated landing naming another issuer is refused.
    await expect(startDemoSignIn(t.db, op.url, { iss: "https://evil.test/oidc" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
