import { describe, expect, it } from "vitest";
import { decideEnforcement, type ScopeContext } from "./enforcement-scope";

const routed = new Map([["acme.test", "Okta"]]);
const ctx = (over: Partial<ScopeContext> = {}): ScopeContext => ({
  mode: "verified_domains",
  ownersBreakGlass: true,
  routedDomains: routed,
  ...over,
});
const member = (role: string, source = "password", breakGlass = false) => ({ role, source, breakGlass });

describe("decideEnforcement", () => {
  it("off enforces nobody", () => {
    expect(decideEnforcement(ctx({ mode: "off" }), { emailDomain: "acme.test", membership: member("viewer") })).toEqual({
      enforced: false,
      reason: "off",
    });
  });

  it("only a domain verified and routed to a working connection is enforced (with the IdP to continue with)", () => {
    expect(decideEnforcement(ctx(), { emailDomain: "acme.test", membership: member("viewer") })).toEqual({
      enforced: true,
      connectionName: "Okta",
    });
    expect(decideEnforcement(ctx(), { emailDomain: "other.test", membership: member("viewer") })).toMatchObject({
      reason: "domain_not_routed",
    });
    expect(decideEnforcement(ctx(), { emailDomain: null, membership: null })).toMatchObject({ reason: "domain_not_routed" });
    expect(decideEnforcement(ctx({ routedDomains: new Map() }), { emailDomain: "acme.test", membership: member("viewer") })).toMatchObject({
      enforced: false,
    });
  });

  it("verified_domains covers non-members too; sso_provisioned_users only members who joined through SSO", () => {
    expect(decideEnforcement(ctx(), { emailDomain: "acme.test", membership: null }).enforced).toBe(true);
    const sso = ctx({ mode: "sso_provisioned_users" });
    expect(decideEnforcement(sso, { emailDomain: "acme.test", membership: null })).toMatchObject({ reason: "not_sso_provisioned" });
    expect(decideEnforcement(sso, { emailDomain: "acme.test", membership: member("viewer") })).toMatchObject({
      reason: "not_sso_provisioned",
    });
    expect(decideEnforcement(sso, { emailDomain: "acme.test", membership: member("viewer", "sso") }).enforced).toBe(true);
  });

  it("owners are exempt while owners are break-glass; break-glass members always", () => {
    expect(decideEnforcement(ctx(), { emailDomain: "acme.test", membership: member("owner") })).toMatchObject({
      reason: "owner_break_glass",
    });
    expect(decideEnforcement(ctx({ ownersBreakGlass: false }), { emailDomain: "acme.test", membership: member("owner") }).enforced).toBe(
      true,
    );
    expect(
      decideEnforcement(ctx({ ownersBreakGlass: false }), { emailDomain: "acme.test", membership: member("owner", "password", true) }),
    ).toMatchObject({
      reason: "break_glass",
    });
    expect(decideEnforcement(ctx(), { emailDomain: "acme.test", membership: member("admin", "password", true) })).toMatchObject({
      reason: "break_glass",
    });
  });
});
