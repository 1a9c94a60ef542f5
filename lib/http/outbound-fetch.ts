import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http, { type IncomingHttpHeaders } from "node:http";
import https from "node:https";
import { BlockList, isIP } from "node:net";

/**
 * Every HTTP request Gatehouse makes to a URL someone configured (IdP metadata today; OIDC back-channel
 * logout and webhook deliveries next), without becoming an SSRF proxy:
 * - https only (http only to loopback, and only when the policy allows it: development);
 * - the name is resolved once per connection, inside the socket's own `lookup`, and every address it
 *   resolves to must be allowed; the checked address is the one connected to (no DNS rebinding);
 * - private, loopback, CGNAT, ULA and documentation addresses only with `allowPrivate`
 *   (ALLOW_PRIVATE_OUTBOUND_URLS, on in development);
 * - link-local (169.254.0.0/16, fe80::/10), cloud metadata endpoints, unspecified, multicast and
 *   broadcast addresses never, whatever the policy;
 * - one deadline for the whole exchange, a size cap on the body, and redirects (GET only) re-checked
 *   hop by hop, so a redirect to a refused address is refused before it is requested.
 * Failures are OutboundFetchError with a stable `reason` and a plain message; callers map them to
 * their own error codes.
 */
export type OutboundPolicy = {
  allowPrivate: boolean;
  /** http:// is allowed to loopback names and addresses (development); otherwise https only. */
  allowHttpLoopback: boolean;
  /** Whole exchange, redirects included (default 5 s). */
  timeoutMs?: number;
  /** Largest body read (default 1 MB). */
  maxBytes?: number;
  /** Redirects followed for GET (default 3); other methods never follow redirects. */
  maxRedirects?: number;
  /** Name resolution; defaults to the operating system's resolver (tests pass their own). */
  lookup?: (hostname: string) => Promise<{ address: string; family: number }[]>;
  /** Extra trusted TLS roots (tests pass their own test CA); defaults to the system's. */
  ca?: string[];
};

export type OutboundRequest = { method?: "GET" | "POST"; headers?: Record<string, string>; body?: string | Buffer };
export type OutboundResponse = { status: number; headers: IncomingHttpHeaders; body: Buffer; url: string };

export type OutboundFailure =
  | "invalid_url"
  | "credentials_in_url"
  | "scheme_not_allowed"
  | "address_not_allowed"
  | "dns_failed"
  | "connection_refused"
  | "timeout"
  | "too_large"
  | "too_many_redirects"
  | "redirect_without_location"
  | "tls_error"
  | "network_error";

export class OutboundFetchError extends Error {
  constructor(
    readonly reason: OutboundFailure,
    message: string,
    readonly url: string,
  ) {
    super(message);
    this.name = "OutboundFetchError";
  }
}

export const OUTBOUND_MAX_BYTES = 1024 * 1024;
export const OUTBOUND_TIMEOUT_MS = 5000;

function subnets(list: readonly (readonly [string, number])[], family: "ipv4" | "ipv6", into = new BlockList()): BlockList {
  for (const [net, prefix] of list) into.addSubnet(net, prefix, family);
  return into;
}

/** Never reachable, whatever the policy. */
const FORBIDDEN = subnets(
  [
    ["0.0.0.0", 8], // "this network"
    ["169.254.0.0", 16], // link-local, incl. 169.254.169.254 (AWS, GCP, Azure metadata)
    ["100.100.100.200", 32], // Alibaba Cloud metadata
    ["192.0.0.192", 32], // Oracle Cloud metadata
    ["224.0.0.0", 4], // multicast
    ["240.0.0.0", 4], // reserved, incl. broadcast
  ],
  "ipv4",
);
subnets(
  [
    ["::", 128], // unspecified
    ["fe80::", 10], // link-local
    ["fd00:ec2::254", 128], // AWS metadata (IPv6)
    ["ff00::", 8], // multicast
  ],
  "ipv6",
  FORBIDDEN,
);

/** Reachable only with allowPrivate (development, or an operator's explicit choice). */
const PRIVATE = subnets(
  [
    ["10.0.0.0", 8],
    ["100.64.0.0", 10],
    ["127.0.0.0", 8],
    ["172.16.0.0", 12],
    ["192.0.0.0", 24],
    ["192.0.2.0", 24],
    ["192.168.0.0", 16],
    ["198.18.0.0", 15],
    ["198.51.100.0", 24],
    ["203.0.113.0", 24],
  ],
  "ipv4",
);
subnets(
  [
    ["::1", 128],
    ["fc00::", 7],
    ["fec0::", 10],
    ["64:ff9b::", 96],
    ["100::", 64],
    ["2001:db8::", 32],
    ["2002::", 16], // 6to4 may wrap a private IPv4 address
  ],
  "ipv6",
  PRIVATE,
);

const LOOPBACK = subnets([["127.0.0.0", 8]], "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

function embeddedV4(address: string): string | null {
  return /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] ?? null;
}

export type AddressClass = "public" | "private" | "forbidden";

/** public; private (loopback, RFC 1918, CGNAT, ULA, documentation…); or forbidden (link-local, cloud metadata, multicast…). */
export function classifyAddress(address: string): AddressClass {
  const v4 = embeddedV4(address);
  if (v4) return classifyAddress(v4);
  const family = isIP(address) === 4 ? "ipv4" : isIP(address) === 6 ? "ipv6" : null;
  if (!family) return "forbidden";
  if (FORBIDDEN.check(address, family)) return "forbidden";
  return PRIVATE.check(address, family) ? "private" : "public";
}

export function isLoopbackAddress(address: string): boolean {
  const v4 = embeddedV4(address);
  if (v4) return isLoopbackAddress(v4);
  const family = isIP(address);
  return family === 4 ? LOOPBACK.check(address, "ipv4") : family === 6 ? LOOPBACK.check(address, "ipv6") : false;
}

type Target = { url: URL; loopbackOnly: boolean };

function checkUrl(raw: string, policy: OutboundPolicy): Target {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundFetchError("invalid_url", "not a valid URL", raw);
  }
  if (url.username || url.password) throw new OutboundFetchError("credentials_in_url", "URLs with credentials are not allowed", raw);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  // A link-local or cloud metadata address is refused as what it is, whatever the scheme or policy.
  if (isIP(host) && classifyAddress(host) === "forbidden") {
    throw new OutboundFetchError("address_not_allowed", notAllowedMessage(host, "forbidden"), raw);
  }
  if (url.protocol === "https:") return { url, loopbackOnly: false };
  const loopbackName = host === "localhost" || host.endsWith(".localhost") || (isIP(host) !== 0 && isLoopbackAddress(host));
  if (url.protocol === "http:" && policy.allowHttpLoopback && loopbackName) return { url, loopbackOnly: true };
  throw new OutboundFetchError("scheme_not_allowed", "only https:// URLs are allowed", raw);
}

function addressAllowed(address: string, target: Target, policy: OutboundPolicy): boolean {
  if (target.loopbackOnly && !isLoopbackAddress(address)) return false;
  const c = classifyAddress(address);
  return c === "public" || (c === "private" && policy.allowPrivate);
}

const NOT_ALLOWED = "the host resolves to a private, loopback, link-local or metadata address";

/** Why an address is refused, in plain words (`resolvedFrom`: the host name that resolved to it). */
export function notAllowedMessage(address: string, cls: AddressClass, resolvedFrom?: string): string {
  const what = resolvedFrom ? `${resolvedFrom} resolves to ${address}, which` : address;
  if (cls === "forbidden") {
    return `${what} is a link-local or cloud metadata address (for example 169.254.169.254); Gatehouse never fetches from such addresses`;
  }
  return `${what} is a private or loopback address, not reachable from the internet (allowed only when ALLOW_PRIVATE_OUTBOUND_URLS is set)`;
}

/** TLS verification failures in plain words (OpenSSL / Node error codes). */
const TLS_ERRORS: Record<string, string> = {
  CERT_HAS_EXPIRED: "the server's TLS certificate has expired; the IdP's admin must renew it",
  CERT_NOT_YET_VALID: "the server's TLS certificate is not valid yet (check the server's clock)",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the server's TLS certificate is self-signed, not issued by a trusted certificate authority",
  SELF_SIGNED_CERT_IN_CHAIN: "the server's TLS certificate chain ends in a self-signed certificate that is not trusted",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    "the server's TLS certificate is not issued by a trusted certificate authority (or the server does not send its intermediate certificates)",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    "the server's TLS certificate is not issued by a trusted certificate authority (or the server does not send its intermediate certificates)",
  UNABLE_TO_GET_ISSUER_CERT: "the server's TLS certificate is not issued by a trusted certificate authority",
  CERT_REVOKED: "the server's TLS certificate was revoked",
};

/** A `lookup` for the socket: resolves once, refuses if any address is not allowed, pins the first. */
function checkingLookup(target: Target, policy: OutboundPolicy) {
  const resolve =
    policy.lookup ??
    ((hostname: string) =>
      new Promise<LookupAddress[]>((ok, fail) => dnsLookup(hostname, { all: true, verbatim: true }, (e, a) => (e ? fail(e) : ok(a)))));
  return (
    hostname: string,
    options: { all?: boolean },
    callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    resolve(hostname).then(
      (addresses) => {
        const refused = addresses.find((a) => !addressAllowed(a.address, target, policy));
        if (!addresses.length || refused) {
          const message = refused ? notAllowedMessage(refused.address, classifyAddress(refused.address), hostname) : NOT_ALLOWED;
          return callback(Object.assign(new Error(message), { code: "EADDRNOTALLOWED" }), "", 4);
        }
        const chosen = addresses[0]!;
        if (options.all) callback(null, [{ address: chosen.address, family: chosen.family }]);
        else callback(null, chosen.address, chosen.family);
      },
      (e: NodeJS.ErrnoException) => callback(e, "", 4),
    );
  };
}

function failureOf(e: NodeJS.ErrnoException, url: string, timeoutMs: number): OutboundFetchError {
  if (e instanceof OutboundFetchError) return e;
  switch (e.code) {
    case "EADDRNOTALLOWED":
      return new OutboundFetchError("address_not_allowed", e.message || NOT_ALLOWED, url);
    case "ERR_TLS_CERT_ALTNAME_INVALID": {
      const host = URL.canParse(url) ? new URL(url).hostname : "this host";
      return new OutboundFetchError("tls_error", `the server's TLS certificate is for another host name, not ${host}`, url);
    }
    case "ETIMEDOUT":
      return new OutboundFetchError("timeout", `timed out after ${timeoutMs / 1000} seconds`, url);
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return new OutboundFetchError("dns_failed", "the host name does not resolve", url);
    case "ECONNREFUSED":
      return new OutboundFetchError("connection_refused", "the connection was refused", url);
    default:
      if (e.code && TLS_ERRORS[e.code]) return new OutboundFetchError("tls_error", TLS_ERRORS[e.code]!, url);
      return new OutboundFetchError("network_error", e.message, url);
  }
}

function requestOnce(
  target: Target,
  policy: OutboundPolicy,
  req: OutboundRequest,
  deadline: number,
  timeoutMs: number,
): Promise<OutboundResponse> {
  const maxBytes = policy.maxBytes ?? OUTBOUND_MAX_BYTES;
  const href = target.url.toString();
  const host = target.url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host) && !addressAllowed(host, target, policy)) {
    return Promise.reject(new OutboundFetchError("address_not_allowed", notAllowedMessage(host, classifyAddress(host)), href));
  }
  const tooLarge = () => new OutboundFetchError("too_large", `the response is larger than ${Math.round(maxBytes / 1024)} KB`, href);
  const mod = target.url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const remaining = Math.max(1, deadline - Date.now());
    const r = mod.request(
      target.url,
      {
        method: req.method ?? "GET",
        headers: { "user-agent": "Gatehouse/1", ...(req.headers ?? {}) },
        lookup: checkingLookup(target, policy) as unknown as typeof dnsLookup,
        timeout: remaining,
        agent: false,
        ...(policy.ca ? { ca: policy.ca } : {}),
      },
      (res) => {
        const declared = Number(res.headers["content-length"] ?? 0);
        if (declared > maxBytes) {
          r.destroy();
          return reject(tooLarge());
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            r.destroy();
            reject(tooLarge());
            return;
          }
          chunks.push(chunk);
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), url: href }));
        res.on("error", (e: NodeJS.ErrnoException) => reject(failureOf(e, href, timeoutMs)));
      },
    );
    const timedOut = () => r.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" }));
    const timer = setTimeout(timedOut, remaining);
    r.on("timeout", timedOut);
    r.on("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(failureOf(e, href, timeoutMs));
    });
    r.on("close", () => clearTimeout(timer));
    r.end(req.body);
  });
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Make the request under the policy; answers of any status are returned (the caller decides what is a success). */
export async function outboundFetch(rawUrl: string, policy: OutboundPolicy, req: OutboundRequest = {}): Promise<OutboundResponse> {
  const timeoutMs = policy.timeoutMs ?? OUTBOUND_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  const maxRedirects = (req.method ?? "GET") === "GET" ? (policy.maxRedirects ?? 3) : 0;
  let target = checkUrl(rawUrl, policy);
  for (let hop = 0; ; hop++) {
    const res = await requestOnce(target, policy, req, deadline, timeoutMs);
    if (!REDIRECTS.has(res.status) || maxRedirects === 0) return res;
    if (hop >= maxRedirects) throw new OutboundFetchError("too_many_redirects", "too many redirects", rawUrl);
    const location = res.headers.location;
    if (!location) throw new OutboundFetchError("redirect_without_location", `HTTP ${res.status} without a Location`, rawUrl);
    target = checkUrl(new URL(location, target.url).toString(), policy);
  }
}
