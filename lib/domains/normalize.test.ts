import { domainToASCII } from "node:url";
import { describe, expect, it } from "vitest";
import { challengeRecordName, challengeRecordValue, checkDomain, emailDomain, normalizeDomain } from "./normalize";

describe("normalizeDomain", () => {
  it.each([
    ["Acme.COM", "acme.com"],
    ["  acme.com  ", "acme.com"],
    ["@acme.com", "acme.com"],
    ["jane@Acme.com", "acme.com"],
    ["https://acme.com/login?x=1#y", "acme.com"],
    ["HTTP://user:pw@acme.com:8443/path", "acme.com"],
    ["acme.com:443", "acme.com"],
    ["acme.com.", "acme.com"],
    ["acme.com..", "acme.com"],
    ["eng.acme.com", "eng.acme.com"],
    ["bücher.de", "xn--bcher-kva.de"],
    ["BÜCHER.DE.", "xn--bcher-kva.de"],
    ["münchen．de", "xn--mnchen-3ya.de"],
    ["例え.テスト", "xn--r8jz45g.xn--zckzah"],
    ["xn--bcher-kva.de", "xn--bcher-kva.de"],
    ["", ""],
  ])("%j → %j", (input, expected) => {
    expect(normalizeDomain(input)).toBe(expected);
  });
});

describe("checkDomain", () => {
  it.each([
    ["acme.com", "acme.com"],
    ["@Acme.com.", "acme.com"],
    ["acme.co.uk", "acme.co.uk"],
    ["my-company.io", "my-company.io"],
    ["bücher.de", "xn--bcher-kva.de"],
    ["acme.test", "acme.test"],
  ])("accepts %j as %j", (input, domain) => {
    expect(checkDomain(input)).toEqual({ ok: true, domain });
  });

  it.each([
    ["", "empty"],
    ["   ", "empty"],
    ["@", "empty"],
    ["127.0.0.1", "ip_address"],
    ["http://10.0.0.1:8080/", "ip_address"],
    ["[::1]", "ip_address"],
    ["0x7f.1", "ip_address"],
    ["１２７.0.0.1", "ip_address"],
    ["localhost", "reserved"],
    ["printer.local", "reserved"],
    ["app.localhost", "reserved"],
    ["foo.internal", "reserved"],
    ["acme", "single_label"],
    ["com", "single_label"],
    ["co.uk", "public_suffix"],
    ["github.io", "public_suffix"],
    ["exa_mple.com", "invalid_characters"],
    ["ex ample.com", "invalid_characters"],
    ["a..com", "invalid_characters"],
    ["-acme.com", "invalid_label"],
    ["acme-.com", "invalid_label"],
    [`${"a".repeat(64)}.com`, "label_too_long"],
    [`${"abcdefghi.".repeat(26)}com`, "too_long"],
    ["acme.c", "invalid_tld"],
    ["acme.123", "invalid_tld"],
  ])("refuses %j (%s)", (input, reason) => {
    const r = checkDomain(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe(reason);
  });
});

describe("helpers", () => {
  it("takes the domain of an email", () => {
    expect(emailDomain("Jane.Doe@Acme.COM")).toBe("acme.com");
    expect(emailDomain("jane@bücher.de")).toBe("xn--bcher-kva.de");
    expect(emailDomain("no-at-sign")).toBeNull();
    expect(emailDomain("jane@localhost")).toBeNull();
  });
  it("builds the TXT record", () => {
    expect(challengeRecordName("acme.com")).toBe("_gatehouse-challenge.acme.com");
    expect(challengeRecordValue("tok")).toBe("gatehouse-verification=tok");
  });
});

describe("browser-safe IDN conversion", () => {
  it.each(["bücher.de", "münchen．de", "例え.テスト", "ÄÖÜ.example", "straße.de", "xn--bcher-kva.de"])(
    "matches node:url domainToASCII for %j",
    (input) => {
      expect(normalizeDomain(input)).toBe(domainToASCII(input.toLowerCase()));
    },
  );
});
