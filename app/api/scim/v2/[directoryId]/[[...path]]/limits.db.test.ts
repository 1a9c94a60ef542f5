import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rateLimits } from "@/db/schema";
import { SCIM_DIRECTORY_LIMIT, SCIM_INVALID_TOKEN_LIMIT, SCIM_MAX_BODY_BYTES } from "@/lib/services/scim/api";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { makeScimDirectory, scimCall } from "@/lib/testing/scim";
import { useDbForTests } from "@/server/bootstrap";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  useDbForTests(t.db);
});
afterAll(async () => {
  await t.close();
});

describe("SCIM abuse limits", () => {
  it("token guessing from one IP gets 429 with Retry-After before any token lookup; the real token from another IP still works", async () => {
    const d = await makeScimDirectory(t.db);
    const wrong = "scim_" + "y".repeat(43);
    for (let i = 0; i < SCIM_INVALID_TOKEN_LIMIT.limit; i++) {
      expect((await scimCall(d, "GET", "/Users", undefined, { token: wrong, ip: "203.0.113.7" })).status).toBe(401);
    }
    const blocked = await scimCall(d, "GET", "/Users", undefined, { token: wrong, ip: "203.0.113.7" });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(blocked.json).toMatchObject({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "429" });
    // Even the right token is refused from the guessing IP until the window passes…
    expect((await scimCall(d, "GET", "/Users", undefined, { ip: "203.0.113.7" })).status).toBe(429);
    // …while the IdP's own address is unaffected.
    expect((await scimCall(d, "GET", "/Users", undefined, { ip: "198.51.100.20" })).status).toBe(200);
  });

  it("each directory has its own request budget shared by every instance: over it, 429 with Retry-After; other directories are unaffected", async () => {
    const d = await makeScimDirectory(t.db);
    const other = await makeScimDirectory(t.db);
    // Spend the budget in the shared counter, as many instances together would.
    await t.db
      .insert(rateLimits)
      .values({ key: `scim:directory:${d.directory.id}`, windowStart: new Date(), count: SCIM_DIRECTORY_LIMIT.limit });
    const r = await scimCall(d, "GET", "/Users", undefined, { ip: "198.51.100.21" });
    expect(r.status).toBe(429);
    expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(r.headers.get("x-gatehouse-error-code")).toBe("RATE_LIMITED");
    expect((await scimCall(other, "GET", "/Users", undefined, { ip: "198.51.100.21" })).status).toBe(200);
  });

  it("a body over the cap is refused with 413 without being read to the end", async () => {
    const d = await makeScimDirectory(t.db);
    const huge = JSON.stringify({ schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: "x".repeat(SCIM_MAX_BODY_BYTES) });
    const r = await scimCall(d, "POST", "/Users", undefined, { rawBody: huge, ip: "198.51.100.22" });
    expect(r.status).toBe(413);
    expect(r.json).toMatchObject({ status: "413" });
  });
});
