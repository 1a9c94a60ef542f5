import { describe, expect, it } from "vitest";
import { demoBannerLines } from "./demo-banner";

describe("demo banner", () => {
  it("first start: the owner's email and password once, how to reset it, and how to try SSO", () => {
    const text = demoBannerLines("http://localhost:3000", "s3cret-pass").join("\n");
    expect(text).toContain("owner@acme.test");
    expect(text).toContain("Password: s3cret-pass");
    expect(text).toContain("npm run gatehouse -- users:set-password --email owner@acme.test");
    expect(text).toContain("jane.doe@acme.test");
  });

  it("restart: the owner's email and the reset command, never a password", () => {
    const text = demoBannerLines("http://localhost:3000", null).join("\n");
    expect(text).toContain("Owner:    owner@acme.test");
    expect(text).toContain("Reset it: npm run gatehouse -- users:set-password --email owner@acme.test");
    expect(text).not.toMatch(/Password:/);
    expect(text).toContain("Try SSO: type jane.doe@acme.test at http://localhost:3000/login");
  });
});
