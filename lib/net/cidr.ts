import ipaddr from "ipaddr.js";

/**
 * CIDR ranges and client addresses for the sign-in IP allowlist, parsed by ipaddr.js (no regexes over
 * addresses). Pure: no db, no env.
 *
 * Strict on input, so what an owner typed is exactly what is enforced:
 * - IPv4 only in four-part decimal ("10.0.0.0/8"; "10/8", "0x0a.0.0.1" or "010.0.0.1" are refused);
 * - an address without a prefix is one host (/32 or /128);
 * - host bits set below the prefix are refused with the network the owner probably meant;
 * - IPv4-mapped IPv6 ranges (::ffff:a.b.c.d/96+) are stored as the IPv4 range they cover;
 * - IPv6 zone ids ("fe80::1%eth0") are refused: they name an interface, not a network.
 */

export type CidrRange = { kind: "ipv4" | "ipv6"; network: ipaddr.IPv4 | ipaddr.IPv6; prefix: number; text: string };
export type CidrParse = { ok: true; range: CidrRange } | { ok: false; message: string };

/** Normalised text of a range: "10.0.0.0/8", "2001:db8::/32". */
function rangeText(network: ipaddr.IPv4 | ipaddr.IPv6, prefix: number): string {
  return `${addressText(network)}/${prefix}`;
}

/** Canonical text: dotted quad, or RFC 5952 for IPv6 ("2001:db8::1"). */
function addressText(a: ipaddr.IPv4 | ipaddr.IPv6): string {
  return a.kind() === "ipv6" ? (a as ipaddr.IPv6).toRFC5952String() : a.toString();
}

function parseAddressStrict(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (text.includes("%")) return null;
  if (text.includes(":")) return ipaddr.IPv6.isValid(text) ? ipaddr.IPv6.parse(text) : null;
  return ipaddr.IPv4.isValidFourPartDecimal(text) && !/(^|\.)0\d/.test(text) ? ipaddr.IPv4.parse(text) : null;
}

/** One entry as an owner typed it → a normalised range, or a message naming the entry. */
export function parseCidr(entry: string): CidrParse {
  const raw = entry.trim();
  if (!raw) return { ok: false, message: "Empty entry: remove it or enter a range like 203.0.113.0/24." };
  const slash = raw.indexOf("/");
  const addrText = slash < 0 ? raw : raw.slice(0, slash);
  const prefixText = slash < 0 ? null : raw.slice(slash + 1);
  const addr = parseAddressStrict(addrText);
  if (!addr) {
    return {
      ok: false,
      message: `“${raw}” is not an IPv4 or IPv6 range. Use CIDR notation such as 203.0.113.0/24 or 2001:db8::/32.`,
    };
  }
  const max = addr.kind() === "ipv4" ? 32 : 128;
  let prefix = max;
  if (prefixText !== null) {
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) {
      return { ok: false, message: `“${raw}”: the prefix length must be a number from 0 to ${max}.` };
    }
    prefix = Number(prefixText);
  }
  let network: ipaddr.IPv4 | ipaddr.IPv6 = addr;
  // ::ffff:a.b.c.d/96+ is an IPv4 range written in IPv6: keep it as the IPv4 range it covers.
  if (network.kind() === "ipv6" && (network as ipaddr.IPv6).isIPv4MappedAddress() && prefix >= 96) {
    network = (network as ipaddr.IPv6).toIPv4Address();
    prefix -= 96;
  }
  const bare = rangeText(network, prefix);
  const base =
    network.kind() === "ipv4"
      ? ipaddr.IPv4.networkAddressFromCIDR(bare)
      : ipaddr.IPv6.networkAddressFromCIDR(`${(network as ipaddr.IPv6).toNormalizedString()}/${prefix}`);
  if (addressText(base) !== addressText(network)) {
    return {
      ok: false,
      message: `“${raw}” has bits set after the /${prefix} prefix. Did you mean ${rangeText(base, prefix)}? (A single address is ${addressText(network)}/${network.kind() === "ipv4" ? 32 : 128}.)`,
    };
  }
  if (prefix === 0) {
    return {
      ok: false,
      message: `“${raw}” allows every ${network.kind() === "ipv4" ? "IPv4" : "IPv6"} address: clear the allowlist instead.`,
    };
  }
  return { ok: true, range: { kind: network.kind(), network, prefix, text: bare } };
}

/**
 * A client address as our HTTP layer reports it → the address to match, IPv4-mapped IPv6
 * ("::ffff:203.0.113.7", what a dual-stack socket reports for an IPv4 peer) as IPv4. Null when unusable.
 */
export function parseClientAddress(ip: string | null | undefined): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (!ip) return null;
  const text = ip.trim();
  if (!ipaddr.isValid(text) || text.includes("%")) return null;
  const a = ipaddr.parse(text);
  return a.kind() === "ipv6" && (a as ipaddr.IPv6).isIPv4MappedAddress() ? (a as ipaddr.IPv6).toIPv4Address() : a;
}

/** The client address in canonical text (for pages and audit), or null. */
export function canonicalClientAddress(ip: string | null | undefined): string | null {
  const a = parseClientAddress(ip);
  return a ? addressText(a) : null;
}

/** Is `ip` inside one of `ranges` (normalised range texts)? An unusable address is inside none. */
export function addressInRanges(ip: string | null | undefined, ranges: readonly string[]): boolean {
  const addr = parseClientAddress(ip);
  if (!addr) return false;
  for (const text of ranges) {
    const r = parseCidr(text);
    if (!r.ok || r.range.kind !== addr.kind()) continue;
    if (addr.match(r.range.network, r.range.prefix)) return true;
  }
  return false;
}
