import { describe, expect, it } from "vitest";
import { connectionCreateSchema, safeRelativePath } from "./connections";

describe("safeRelativePath (return_to, default redirect)", () => {
  it("accepts same-origin relative paths", () => {
    for (const p of ["/", "/w/acme", "/w/acme/settings?tab=sso#x", "/a%2F%2Fb"]) expect(safeRelativePath(p), p).toBe(p);
  });
  it("refuses everything that could leave the origin", () => {
    for (const p of [
      "//evil.test",
      "/\\evil.test",
      "\\\\evil.test",
      "https://evil.test",
      "http:/evil",
      "javascript:alert(1)",
      "w/acme",
      "",
      "/\t/evil.test",
      "/\n/evil.test",
      "/x\u0000",
      null,
      undefined,
      42,
      "/" + "a".repeat(3000),
    ]) {
      expect(safeRelativePath(p), String(p)).toBeNull();
    }
  });
});

describe("connectionCreateSchema", () => {
  it("normalises and checks the slug, and refuses an owner default role", () => {
    expect(connectionCreateSchema.parse({ name: "Okta", slug: "  Okta-Prod " }).slug).toBe("okta-prod");
    expect(connectionCreateSchema.safeParse({ name: "Okta", slug: "-bad" }).success).toBe(false);
    expect(connectionCreateSchema.safeParse({ name: "Okta", slug: "a/b" }).success).toBe(false);
    expect(connectionCreateSchema.safeParse({ name: "Okta", slug: "okta", defaultRole: "owner" }).success).toBe(false);
    expect(connectionCreateSchema.safeParse({ name: "Okta", slug: "okta", defaultRedirect: "//evil.test" }).success).toBe(false);
  });
});
