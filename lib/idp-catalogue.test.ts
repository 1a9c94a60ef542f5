import { describe, expect, it } from "vitest";
import { IDP_CATALOGUE, IDP_TYPES, formatSpValue, getIdp, listIdps, suggestSlug } from "./idp-catalogue";

const label = (type: keyof typeof IDP_CATALOGUE, key: string) =>
  IDP_CATALOGUE[type].spFields.filter((f) => f.key === key).map((f) => f.label);

describe("idp catalogue", () => {
  it("offers the eight IdPs of the picker in order, the test IdP only on request", () => {
    expect(listIdps().map((e) => e.type)).toEqual(["okta", "entra", "google", "onelogin", "jumpcloud", "ping", "auth0", "other"]);
    expect(listIdps({ includeDev: true }).map((e) => e.type)).toContain("dev");
  });

  it("labels SP values with each IdP's own field names", () => {
    expect(label("okta", "acsUrl")).toEqual(["Single sign-on URL"]);
    expect(label("okta", "entityId")).toEqual(["Audience URI (SP Entity ID)"]);
    expect(label("entra", "entityId")).toEqual(["Identifier (Entity ID)"]);
    expect(label("entra", "acsUrl")).toEqual(["Reply URL (Assertion Consumer Service URL)"]);
    expect(label("entra", "loginUrl")[0]).toMatch(/^Sign on URL/);
    expect(label("google", "acsUrl")).toEqual(["ACS URL"]);
    expect(label("google", "entityId")).toEqual(["Entity ID"]);
    expect(label("onelogin", "acsUrl")).toContain("ACS (Consumer) URL Validator");
  });

  it("every entry is complete: email attribute required, a groups attribute, menu paths, metadata guidance", () => {
    for (const type of IDP_TYPES) {
      const e = IDP_CATALOGUE[type];
      expect(e.type).toBe(type);
      expect(e.spFields.some((f) => f.key === "acsUrl")).toBe(true);
      expect(e.spFields.some((f) => f.key === "entityId")).toBe(true);
      expect(e.attributes.find((a) => a.purpose === "email")?.required).toBe(true);
      expect(e.attributes.map((a) => a.purpose).sort()).toEqual(["email", "firstName", "groups", "lastName"]);
      expect(e.attributes.find((a) => a.purpose === "groups")?.name).toBe(e.defaultGroupsAttribute);
      for (const step of [e.createApp, e.spFieldsScreen, e.attributesScreen, e.assignUsers])
        expect(step.menuPath.length).toBeGreaterThan(0);
      expect(e.metadata.hint).toBeTruthy();
      if (e.metadata.offersUrl) expect(e.metadata.urlLabel).toBeTruthy();
    }
    expect(IDP_CATALOGUE.google.metadata.offersUrl).toBe(false);
    expect(IDP_CATALOGUE.entra.defaultGroupsAttribute).toBe("http://schemas.microsoft.com/ws/2008/06/identity/claims/groups");
  });

  it("falls back to Other SAML 2.0 for unknown types", () => {
    expect(getIdp("nonsense").type).toBe("other");
    expect(getIdp(null).type).toBe("other");
    expect(getIdp("entra").displayName).toBe("Microsoft Entra ID");
  });

  it("formats OneLogin's validator as an anchored regex that matches only the ACS URL", () => {
    const acs = "https://sso.example.com/auth/sso/saml/acme-okta/acs";
    const field = IDP_CATALOGUE.onelogin.spFields.find((f) => f.transform === "regex");
    const re = formatSpValue(acs, field);
    expect(new RegExp(re).test(acs)).toBe(true);
    expect(new RegExp(re).test(acs + "x")).toBe(false);
    expect(new RegExp(re).test("https://ssoXexample.com/auth/sso/saml/acme-okta/acs")).toBe(false);
    expect(formatSpValue(acs)).toBe(acs);
  });

  it("suggests URL-safe slugs from names", () => {
    expect(suggestSlug("Acme Okta")).toBe("acme-okta");
    expect(suggestSlug("  Société Générale — Entra ID! ")).toBe("societe-generale-entra-id");
    expect(suggestSlug("A")).toBe("a-sso");
    expect(suggestSlug("!!!")).toBe("");
    expect(suggestSlug("x".repeat(80))).toHaveLength(63);
  });
});

describe("assertion encryption guidance", () => {
  it("every IdP kind says whether and how it encrypts, and never recommends what Gatehouse refuses", () => {
    for (const e of listIdps({ includeDev: true })) {
      expect(e.encryption.length, e.type).toBeGreaterThan(60);
      expect(e.encryption, e.type).not.toMatch(/(choose|use) (RSA[- ]?1[._]?5|Triple ?DES|TRIPLEDES)/i);
    }
    expect(getIdp("okta").encryption).toContain("RSA-OAEP");
    expect(getIdp("entra").encryption).toContain("Sign SAML assertion");
    expect(getIdp("google").encryption).toContain("do not offer");
  });
});
