import { eq } from "drizzle-orm";
import * as client from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memberships, users } from "@/db/schema";
import { uniq as uniqueSuffix } from "@/lib/testing/fixtures";
import {
  authorize,
  exchange,
  registerApp,
  startAuthorization,
  startOidcServer,
  HttpBrowser,
  type OidcServer,
} from "@/lib/testing/oidc-kit";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { createOrganization, deleteOrganization, getOrganizationOrThrow, listOrganizations, updateOrganization } from "./organizations";

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

describe("organizations (instance level)", () => {
  it("create with external_id and an owner; external_id and slug unique; list pages by cursor and finds by external_id", async () => {
    const s = uniqueSuffix();
    const { organization, ownerId } = await createOrganization(t.db, {
      name: "Acme",
      slug: `acme-${s}`,
      externalId: `tenant_${s}`,
      ownerEmail: `boss@acme-${s}.test`,
    });
    expect(organization).toMatchObject({ slug: `acme-${s}`, externalId: `tenant_${s}` });
    const [m] = await t.db.select().from(memberships).where(eq(memberships.workspaceId, organization.id));
    expect(m).toMatchObject({ userId: ownerId, role: "owner", status: "active" });
    await expect(createOrganization(t.db, { name: "Dup", slug: `acme-${s}` })).rejects.toMatchObject({ code: "SLUG_TAKEN" });
    await expect(createOrganization(t.db, { name: "Dup", slug: `other-${s}`, externalId: `tenant_${s}` })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    const bare = await createOrganization(t.db, { name: "No owner", slug: `bare-${s}` });
    expect(bare.ownerId).toBeNull();

    expect((await listOrganizations(t.db, { externalId: `tenant_${s}` })).items.map((o) => o.id)).toEqual([organization.id]);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await listOrganizations(t.db, { cursor, limit: 1 });
      seen.push(...page.items.map((o) => o.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(expect.arrayContaining([organization.id, bare.organization.id]));
    expect(new Set(seen).size).toBe(seen.length);
    await expect(listOrganizations(t.db, { cursor: "not-a-cursor" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });

    const renamed = await updateOrganization(t.db, organization.id, { name: "Acme Inc", externalId: null });
    expect(renamed).toMatchObject({ name: "Acme Inc", externalId: null, slug: `acme-${s}` });
    await expect(getOrganizationOrThrow(t.db, "nope")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("delete ends its people's tokens at applications", async () => {
    const s = uniqueSuffix();
    const { organization, ownerId } = await createOrganization(t.db, { name: "Gone", slug: `gone-${s}`, ownerEmail: `p@gone-${s}.test` });
    const [owner] = await t.db.select().from(users).where(eq(users.id, ownerId!));
    const app = await registerApp(t.db, op);
    const browser = new HttpBrowser(op.url);
    await browser.signIn(owner!, { amr: "pwd" });
    const start = await startAuthorization(app, { organization: organization.slug });
    const tokens = await exchange(app, start, (await authorize(browser, start)).location!);
    expect((await client.tokenIntrospection(app.config, tokens.access_token)).active).toBe(true);
    await deleteOrganization(t.db, organization.id);
    expect((await client.tokenIntrospection(app.config, tokens.access_token)).active).toBe(false);
    await expect(getOrganizationOrThrow(t.db, organization.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
