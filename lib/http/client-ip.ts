import { isIP } from "node:net";
import { env } from "@/lib/env";

/** Header set by our HTTP server from the socket (any incoming copy is discarded there). */
export const REMOTE_ADDR_HEADER = "x-gatehouse-remote-addr";

type HeaderBag = Headers | Record<string, string | string[] | undefined>;

function read(h: HeaderBag, name: string): string | undefined {
  if (h instanceof Headers) return h.get(name) ?? undefined;
  const v = h[name];
  return Array.isArray(v) ? v.join(", ") : v;
}

/** An address as proxies write it ("203.0.113.7", "203.0.113.7:5123", "[2001:db8::1]:443", "2001:db8::1"), or null. */
function parseAddress(raw: string): string | null {
  let a = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracketed) a = bracketed[1]!;
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(":"));
  return isIP(a) ? a : null;
}

/**
 * The client address behind `hops` trusted proxies that each append to X-Forwarded-For: the entry
 * `hops` places from the right (the leftmost entries are whatever the client sent, and prove nothing).
 * With fewer entries than hops, the leftmost. With hops = 0, or no usable entry, the socket address.
 */
export function clientIpFrom(forwardedFor: string | undefined, socketAddress: string | null, hops: number): string | null {
  if (hops > 0 && forwardedFor) {
    const chain = forwardedFor
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    if (chain.length) {
      const picked = parseAddress(chain[Math.max(0, chain.length - hops)]!);
      if (picked) return picked;
    }
  }
  return socketAddress ? (parseAddress(socketAddress) ?? socketAddress) : null;
}

/**
 * The client's IP for throttling and audit: the socket address our server recorded, or behind
 * TRUST_PROXY=N proxies the address N entries from the right of X-Forwarded-For.
 */
export function clientIp(h: HeaderBag): string | null {
  return clientIpFrom(read(h, "x-forwarded-for"), read(h, REMOTE_ADDR_HEADER) || null, env().trustProxyHops);
}
