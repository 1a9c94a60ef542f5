import { describe, expect, it } from "vitest";
import { roleMappingsReplaceSchema } from "@/lib/schemas/role-mappings";
import { getIdp, IDP_TYPES } from "@/lib/idp-catalogue";
import { defaultGroupsAttribute, resolveRole, type RoleRule } from "./role-mapping";

const ENTRA = "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups";

describe("resolveRole", () => {
  const rules: RoleRule[] = [
    { id: "r1", attribute: "groups", value: "Engineering", role: "editor" },
    { id: "r2", attribute: "groups", value: "Gatehouse Admins", role: "admin" },
    { id: "r3", attribute: "groups", value: "Everyone", role: "viewer" },
  ];

  it("gives the highest role among matching rules, whatever their order", () => {
    const r = resolveRole(rules, { groups: ["Everyone", "Engineering", "Gatehouse Admins"] }, "viewer");
    expect(r.role).toBe("admin");
    expect(r.matchedRule).toMatchObject({ id: "r2", value: "Gatehouse Admins", role: "admin" });
    const reversed = resolveRole([...rules].reverse(), { groups: ["Everyone", "Engineering", "Gatehouse Admins"] }, "viewer");
    expect(reversed.role).toBe("admin");
  });

  it("counts every value of a multi-valued attribute", () => {
    expect(resolveRole(rules, { groups: ["Sales", "Marketing", "Engineering"] }, "viewer")).toMatchObject({
      role: "editor",
      matchedRule: { id: "r1" },
    });
  });

  it("falls back to the default role with no matched rule when nothing matches", () => {
    expect(resolveRole(rules, { groups: ["Sales"] }, "editor")).toEqual({ role: "editor", matchedRule: null });
    expect(resolveRole(rules, {}, "viewer")).toEqual({ role: "viewer", matchedRule: null });
    expect(resolveRole([], { groups: ["Engineering"] }, "viewer")).toEqual({ role: "viewer", matchedRule: null });
  });

  it("never grants owner: owner rules are ignored and an owner default becomes viewer", () => {
    const withOwner: RoleRule[] = [{ attribute: "groups", value: "Founders", role: "owner" }, ...rules];
    expect(resolveRole(withOwner, { groups: ["Founders"] }, "viewer")).toEqual({ role: "viewer", matchedRule: null });
    expect(resolveRole(withOwner, { groups: ["Founders", "Engineering"] }, "viewer").role).toBe("editor");
    expect(resolveRole(rules, { groups: [] }, "owner").role).toBe("viewer");
  });

  it("works with a dedicated role attribute", () => {
    const appRole: RoleRule[] = [
      { attribute: "appRole", value: "admin", role: "admin" },
      { attribute: "appRole", value: "editor", role: "editor" },
    ];
    expect(resolveRole(appRole, { appRole: ["admin"] }, "viewer")).toMatchObject({
      role: "admin",
      matchedRule: { attribute: "appRole", value: "admin" },
    });
    expect(resolveRole(appRole, { appRole: ["editor"], groups: ["admin"] }, "viewer").role).toBe("editor");
  });

  it("matches attribute names case-insensitively and values exactly (after trimming)", () => {
    expect(resolveRole(rules, { Groups: [" Engineering "] }, "viewer").role).toBe("editor");
    expect(resolveRole(rules, { groups: ["engineering"] }, "viewer").role).toBe("viewer");
  });

  it("works with Entra's claim-URI group attribute (group object IDs)", () => {
    const entra: RoleRule[] = [{ attribute: ENTRA, value: "5f1c2a9e-0000-4000-8000-000000000001", role: "admin" }];
    expect(
      resolveRole(entra, { [ENTRA]: ["aaaaaaaa-0000-4000-8000-000000000000", "5f1c2a9e-0000-4000-8000-000000000001"] }, "viewer").role,
    ).toBe("admin");
    expect(resolveRole(entra, { groups: ["5f1c2a9e-0000-4000-8000-000000000001"] }, "viewer").role).toBe("viewer");
  });
});

describe("defaultGroupsAttribute", () => {
  it("knows Entra's claim URI and uses groups elsewhere", () => {
    expect(defaultGroupsAttribute("entra")).toBe(ENTRA);
    expect(defaultGroupsAttribute("okta")).toBe("groups");
    expect(defaultGroupsAttribute(null)).toBe("groups");
  });
  it("agrees with the IdP catalogue for every IdP type", () => {
    for (const type of IDP_TYPES) expect(defaultGroupsAttribute(type)).toBe(getIdp(type).defaultGroupsAttribute);
    expect(defaultGroupsAttribute("jumpcloud")).toBe("memberOf");
    expect(defaultGroupsAttribute("auth0")).toBe("http://schemas.xmlsoap.org/claims/Group");
    expect(defaultGroupsAttribute("azuread")).toBe(ENTRA);
  });
});

describe("role mapping rules validation", () => {
  it("refuses owner and unknown roles, accepts admin/editor/viewer", () => {
    expect(roleMappingsReplaceSchema.safeParse({ rules: [{ attribute: "groups", value: "x", role: "owner" }] }).success).toBe(false);
    expect(roleMappingsReplaceSchema.safeParse({ rules: [{ attribute: "groups", value: "x", role: "root" }] }).success).toBe(false);
    expect(roleMappingsReplaceSchema.safeParse({ rules: [{ attribute: "", value: "x", role: "admin" }] }).success).toBe(false);
    const ok = roleMappingsReplaceSchema.safeParse({
      rules: ["admin", "editor", "viewer"].map((role) => ({ attribute: "groups", value: role, role })),
    });
    expect(ok.success).toBe(true);
  });
});
