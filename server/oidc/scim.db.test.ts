import { eq } from "drizzle-orm";
import { createRemoteJWKSet, jwtVerify } from "jose";
import * as client from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { users } from "@/db/schema";
import {
  authorize,
  exchange,
  HttpBrowser,
  registerApp,
  runLogoutDeliveries,
  startAuthorization,
  startLogoutReceiver,
  startOidcServer,
  type OidcServer,
} from "@/lib/testing/oidc-kit";
import { makeScimDirectory, scimCall } from "@/lib/testing/scim";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { useDbForTests } from "@/server/bootstrap";

/**
 * Directory sync meets the OpenID Connect provider: when the customer's IdP deprovisions a person over
 * SCIM, endAccess ends their tokens at every application at once and tells the applications over
 * back-channel logout.
 */
let t: TestDb;
let op: OidcServer;
beforeAll(async () => {
  t = await createTestDb();
  useDbForTests(t.db);
  op = await startOidcServer(t.db);
});
afterAll(async () => {
  await op.close();
  await t.close();
});

describe("SCIM deprovisioning and applications", () => {
  it("active=false over SCIM: introspection answers inactive, refresh fails, the app receives a logout token", async () => {
    const dir = await makeScimDirectory(t.db);
    const email = `pat@${dir.domain}`;
    const created = await scimCall(dir, "POST", "/Users", {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
      userName: email,
      name: { givenName: "Pat", familyName: "Lee" },
      emails: [{ primary: true, type: "work", value: email }],
      active: true,
    });
    expect(created.status, created.text).toBe(201);
    const [person] = await t.db.select().from(users).where(eq(users.email, email));

    const receiver = await startLogoutReceiver();
    try {
      const app = await registerApp(t.db, op, { backchannelLogoutUri: receiver.url });
      const browser = new HttpBrowser(op.url);
      await browser.signIn(person!, { amr: "pwd" });
      const start = await startAuthorization(app, { organization: dir.workspace.slug });
      const tokens = await exchange(app, start, (await authorize(browser, start)).location!);
      expect(tokens.claims()).toMatchObject({ sub: person!.id, org_id: dir.workspace.id, email_verified: true });

      const off = await scimCall(dir, "PATCH", `/Users/${created.json!.id as string}`, {
        schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        Operations: [{ op: "replace", path: "active", value: false }],
      });
      expect(off.status, off.text).toBe(200);

      expect((await client.tokenIntrospection(app.config, tokens.access_token)).active).toBe(false);
      await expect(client.refreshTokenGrant(app.config, tokens.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
      expect(await runLogoutDeliveries(t.db, op)).toMatchObject({ delivered: 1 });
      const token = new URLSearchParams(receiver.received.at(-1)!.body).get("logout_token")!;
      const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(`${op.issuer}/jwks`)), {
        issuer: op.issuer,
        audience: app.application.clientId,
        typ: "logout+jwt",
      });
      expect(payload.sub).toBe(person!.id);
    } finally {
      await receiver.close();
    }
  });
});
