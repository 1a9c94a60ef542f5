import { describe, expect, it } from "vitest";
import { clientIpFrom } from "./client-ip";

/** A load balancer appends the address it saw to whatever X-Forwarded-For the client sent. */
const appended = (clientSent: string | null, seenByProxies: string[]) => [clientSent, ...seenByProxies].filter(Boolean).join(", ");

describe("client IP behind trusted proxies (TRUST_PROXY hop count)", () => {
  it("a client cannot choose its IP by sending its own X-Forwarded-For through one appending balancer", () => {
    const xff = appended("1.2.3.4", ["198.51.100.23"]); // the client forged 1.2.3.4; the balancer saw 198.51.100.23
    expect(clientIpFrom(xff, "10.0.0.5", 1)).toBe("198.51.100.23");
    expect(clientIpFrom(appended("1.2.3.4, 5.6.7.8", ["198.51.100.23"]), "10.0.0.5", 1)).toBe("198.51.100.23");
  });

  it("two hops (CDN then balancer): the address two entries from the right", () => {
    // client → CDN (appends client) → balancer (appends CDN edge) → app
    const xff = appended("6.6.6.6", ["198.51.100.23", "203.0.113.9"]);
    expect(clientIpFrom(xff, "10.0.0.5", 2)).toBe("198.51.100.23");
    expect(clientIpFrom(xff, "10.0.0.5", 1)).toBe("203.0.113.9");
  });

  it("fewer entries than hops: the leftmost; no header or no proxy trusted: the socket address", () => {
    expect(clientIpFrom("198.51.100.23", "10.0.0.5", 3)).toBe("198.51.100.23");
    expect(clientIpFrom(undefined, "10.0.0.5", 1)).toBe("10.0.0.5");
    expect(clientIpFrom("1.2.3.4", "10.0.0.5", 0)).toBe("10.0.0.5");
    expect(clientIpFrom(undefined, null, 0)).toBeNull();
  });

  it("ports and brackets are stripped; garbage at the trusted position falls back to the socket address", () => {
    expect(clientIpFrom("1.2.3.4, 198.51.100.23:5123", "10.0.0.5", 1)).toBe("198.51.100.23");
    expect(clientIpFrom("1.2.3.4, [2001:db8::7]:443", "10.0.0.5", 1)).toBe("2001:db8::7");
    expect(clientIpFrom("1.2.3.4, 2001:db8::7", "10.0.0.5", 1)).toBe("2001:db8::7");
    expect(clientIpFrom("1.2.3.4, <script>", "10.0.0.5", 1)).toBe("10.0.0.5");
    expect(clientIpFrom(" , ", "10.0.0.5", 1)).toBe("10.0.0.5");
  });
});
