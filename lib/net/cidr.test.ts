import { describe, expect, it } from "vitest";
import { addressInRanges, canonicalClientAddress, parseCidr } from "./cidr";

const ok = (entry: string) => {
  const r = parseCidr(entry);
  if (!r.ok) throw new Error(r.message);
  return r.range.text;
};
const err = (entry: string) => {
  const r = parseCidr(entry);
  if (r.ok) throw new Error(`${entry} parsed as ${r.range.text}`);
  return r.message;
};

describe("parseCidr: normalised IPv4 and IPv6 ranges", () => {
  it("IPv4 and IPv6 ranges, bare addresses as one host, IPv6 in canonical form", () => {
    expect(ok("203.0.113.0/24")).toBe("203.0.113.0/24");
    expect(ok(" 10.0.0.0/8 ")).toBe("10.0.0.0/8");
    expect(ok("198.51.100.7")).toBe("198.51.100.7/32");
    expect(ok("2001:DB8:0:0::/32")).toBe("2001:db8::/32");
    expect(ok("2001:db8::1")).toBe("2001:db8::1/128");
  });

  it("IPv4-mapped IPv6 ranges are stored as the IPv4 range they cover", () => {
    expect(ok("::ffff:192.0.2.0/120")).toBe("192.0.2.0/24");
    expect(ok("::ffff:192.0.2.9")).toBe("192.0.2.9/32");
  });

  it("refuses what is not a plain range, naming the entry", () => {
    for (const bad of [
      "10/8",
      "0x0a.0.0.1/32",
      "010.0.0.1",
      "10.0.0.256/32",
      "example.com",
      "10.0.0.0/33",
      "2001:db8::/129",
      "fe80::1%eth0/64",
      "10.0.0.0/ 8",
      "10.0.0.0/-1",
      "1.2.3.4/8/9",
    ]) {
      expect(err(bad)).toContain(`“${bad.trim()}”`);
    }
    expect(err("")).toMatch(/Empty entry/);
  });

  it("host bits after the prefix are refused with the network meant", () => {
    expect(err("10.1.2.3/8")).toContain("Did you mean 10.0.0.0/8?");
    expect(err("2001:db8::1/32")).toContain("Did you mean 2001:db8::/32?");
  });

  it("a /0 (every address) is refused: clearing the allowlist says that plainly", () => {
    expect(err("0.0.0.0/0")).toMatch(/clear the allowlist/);
    expect(err("::/0")).toMatch(/clear the allowlist/);
  });
});

describe("addressInRanges", () => {
  const ranges = ["203.0.113.0/24", "2001:db8::/32"];
  it("matches IPv4 and IPv6 clients inside, refuses outside", () => {
    expect(addressInRanges("203.0.113.77", ranges)).toBe(true);
    expect(addressInRanges("203.0.114.1", ranges)).toBe(false);
    expect(addressInRanges("2001:db8:1::5", ranges)).toBe(true);
    expect(addressInRanges("2001:db9::1", ranges)).toBe(false);
  });

  it("an IPv4-mapped IPv6 client (dual-stack socket) matches the IPv4 range", () => {
    expect(addressInRanges("::ffff:203.0.113.77", ranges)).toBe(true);
    expect(addressInRanges("::ffff:198.51.100.1", ranges)).toBe(false);
    expect(canonicalClientAddress("::ffff:203.0.113.77")).toBe("203.0.113.77");
  });

  it("an unknown or unusable address is inside no range (fail closed)", () => {
    expect(addressInRanges(null, ranges)).toBe(false);
    expect(addressInRanges("", ranges)).toBe(false);
    expect(addressInRanges("not-an-ip", ranges)).toBe(false);
  });
});
