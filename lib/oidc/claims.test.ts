import { describe, expect, it } from "vitest";
import { buildClaims, SCOPE_CLAIMS } from "./claims";
import { isAllowedApplicationUrl } from "@/lib/schemas/applications";
import { groupsFromAttributes } from "@/lib/services/sso-groups";

const user = { id: "u-1", email: "ada@example.com", name: null, firstName: "Ada", lastName: "Lovelace" };

describe("claims", () => {
  it("leave out what has no value, keep groups an array, and verify the email only where the organization verified its domain", () => {
    expect(buildClaims({ user })).toEqual({
      sub: "u-1",
      email: "ada@example.com",
      email_verified: false,
      name: "Ada Lovelace",
      given_name: "Ada",
      family_name: "Lovelace",
    });
    const org = { id: "w-1", slug: "acme", externalId: null, role: "admin", emailVerified: true, connection: null, groups: [] };
    expect(buildClaims({ user, organization: org }, { sid: "s-1" })).toEqual({
      sub: "u-1",
      email: "ada@example.com",
      email_verified: true,
      name: "Ada Lovelace",
      given_name: "Ada",
      family_name: "Lovelace",
      sid: "s-1",
      org_id: "w-1",
      org_slug: "acme",
      role: "admin",
      groups: [],
    });
    const sso = buildClaims({
      user,
      organization: { ...org, externalId: "t-9", connection: { id: "c-1", idpType: "entra" }, groups: ["g"] },
    });
    expect(sso).toMatchObject({ org_external_id: "t-9", connection_id: "c-1", idp: "entra", groups: ["g"] });
  });

  it("every claim belongs to exactly one scope", () => {
    const all = Object.values(SCOPE_CLAIMS).flat();
    expect(new Set(all).size).toBe(all.length);
  });
});

describe("application URLs", () => {
  it("https anywhere, http only on loopback; no fragments or credentials", () => {
    for (const ok of [
      "https://app.example.com/cb",
      "http://localhost:3000/cb",
      "http://127.0.0.1:9/cb",
      "http://[::1]:8080/cb",
      "https://app.example.com/cb?x=1",
    ])
      expect(isAllowedApplicationUrl(ok), ok).toBe(true);
    for (const bad of [
      "http://app.example.com/cb",
      "https://app.example.com/cb#x",
      "https://u:p@app.example.com/cb",
      "javascript:alert(1)",
      "app.example.com",
      "http://localhost.evil.test/cb",
      "ftp://x.test/",
    ])
      expect(isAllowedApplicationUrl(bad), bad).toBe(false);
  });
});

describe("groups from an assertion", () => {
  it("reads the IdP kind's groups attribute and the common spellings, de-duplicated", () => {
    expect(groupsFromAttributes("okta", { groups: ["a", "b", "a"], firstName: ["x"] })).toEqual(["a", "b"]);
    expect(groupsFromAttributes("entra", { "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups": ["id-1"] })).toEqual(["id-1"]);
    expect(groupsFromAttributes("other", { MemberOf: ["cn=x"], Groups: ["y"] })).toEqual(["cn=x", "y"]);
    expect(groupsFromAttributes("okta", { department: ["sales"] })).toEqual([]);
  });
});
