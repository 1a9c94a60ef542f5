import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { BlockList, isIP } from "node:net";
import { AppError } from "@/lib/errors";

/**
 * Fetching IdP metadata by URL without becoming an SSRF proxy: https only (http only for loopback
 * outside production), 5 s overall timeout, 1 MB cap, and — unless private addresses are allowed —
 * every address the name resolves to must be public. The address checked is the address connected
 * to (the check runs inside the socket's own `lookup`, so DNS rebinding cannot swap it afterwards).
 */
export type MetadataFetchPolicy = {
  allowPrivate: boolean;
  allowHttpLoopback: boolean;
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
};

export const METADATA_MAX_BYTES = 1024 * 1024;
export const METADATA_TIMEOUT_MS = 5000;

const blocked = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  blocked.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
  ["64:ff9b::", 96],
  ["100::", 64],
  ["2001:db8::", 32],
] as const)
  blocked.addSubnet(net, prefix, "ipv6");

const loopback = new BlockList();
loopback.addSubnet("127.0.0.0", 8, "ipv4");
loopback.addAddress("::1", "ipv6");

function embeddedV4(address: string): string | null {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m ? m[1]! : null;
}

/** Private, loopback, link-local, multicast, reserved or documentation address. */
export function isNonPublicAddress(address: string): boolean {
  const v4 = embeddedV4(address);
  if (v4) return isNonPublicAddress(v4);
  const family = isIP(address);
  if (family === 4) return blocked.check(address, "ipv4");
  if (family === 6) return blocked.check(address, "ipv6") || /^2002:/i.test(address); // 6to4 may wrap a private v4
  return true;
}

export function isLoopbackAddress(address: string): boolean {
  const v4 = embeddedV4(address);
  if (v4) return isLoopbackAddress(v4);
  const family = isIP(address);
  return family === 4 ? loopback.check(address, "ipv4") : family === 6 ? loopback.check(address, "ipv6") : false;
}

function fail(reason: string, url: string): AppError {
  return new AppError("SAML_METADATA_FETCH_FAILED", {
    message: `The metadata URL could not be fetched: ${reason}.`,
    detail: { url, reason },
  });
}

type Target = { url: URL; loopbackOnly: boolean };

function checkUrl(raw: string, policy: MetadataFetchPolicy): Target {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw fail("not a valid URL", raw);
  }
  if (url.username || url.password) throw fail("URLs with credentials are not allowed", raw);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (url.protocol === "https:") return { url, loopbackOnly: false };
  if (url.protocol === "http:") {
    const isLoopbackName = host === "localhost" || host.endsWith(".localhost") || (isIP(host) !== 0 && isLoopbackAddress(host));
    if (policy.allowHttpLoopback && isLoopbackName) return { url, loopbackOnly: true };
    throw fail("only https:// URLs are allowed", raw);
  }
  throw fail("only https:// URLs are allowed", raw);
}

function addressAllowed(address: string, target: Target, policy: MetadataFetchPolicy): boolean {
  if (target.loopbackOnly && !isLoopbackAddress(address)) return false;
  return policy.allowPrivate || !isNonPublicAddress(address);
}

/** A `lookup` for the socket that refuses forbidden addresses and pins the checked one. */
function checkingLookup(target: Target, policy: MetadataFetchPolicy) {
  return (
    hostname: string,
    options: { all?: boolean; family?: number | string },
    callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => {
      if (err) return callback(err, "", 4);
      if (!addresses.length || addresses.some((a) => !addressAllowed(a.address, target, policy))) {
        const e = Object.assign(new Error("resolves to a private, loopback or link-local address"), { code: "EADDRNOTALLOWED" });
        return callback(e, "", 4);
      }
      const chosen = addresses[0]!;
      if (options.all) callback(null, [chosen]);
      else callback(null, chosen.address, chosen.family);
    });
  };
}

function requestOnce(
  target: Target,
  policy: MetadataFetchPolicy,
  deadline: number,
): Promise<{ status: number; location?: string; body: string }> {
  const maxBytes = policy.maxBytes ?? METADATA_MAX_BYTES;
  const host = target.url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host) && !addressAllowed(host, target, policy)) {
    return Promise.reject(fail("the address is private, loopback or link-local", target.url.toString()));
  }
  const mod = target.url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const remaining = Math.max(1, deadline - Date.now());
    const req = mod.request(
      target.url,
      {
        method: "GET",
        headers: {
          accept: "application/samlmetadata+xml, application/xml, text/xml;q=0.9, */*;q=0.1",
          "user-agent": "Gatehouse-Metadata/1",
        },
        lookup: checkingLookup(target, policy) as unknown as typeof dnsLookup,
        timeout: remaining,
        agent: false,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          res.resume();
          return resolve({ status, location: res.headers.location, body: "" });
        }
        const declared = Number(res.headers["content-length"] ?? 0);
        if (declared > maxBytes) {
          req.destroy();
          return reject(fail("the document is larger than 1 MB", target.url.toString()));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            req.destroy();
            reject(fail("the document is larger than 1 MB", target.url.toString()));
            return;
          }
          chunks.push(chunk);
        });
        res.on("end", () => resolve({ status, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", (e) => reject(fail(e.message, target.url.toString())));
      },
    );
    const timer = setTimeout(() => req.destroy(Object.assign(new Error("timed out after 5 seconds"), { code: "ETIMEDOUT" })), remaining);
    req.on("timeout", () => req.destroy(Object.assign(new Error("timed out after 5 seconds"), { code: "ETIMEDOUT" })));
    req.on("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const reason =
        e.code === "EADDRNOTALLOWED"
          ? "the host resolves to a private, loopback or link-local address"
          : e.code === "ETIMEDOUT"
            ? "timed out after 5 seconds"
            : e.code === "ENOTFOUND"
              ? "the host name does not resolve"
              : e.code === "ECONNREFUSED"
                ? "the connection was refused"
                : e.message;
      reject(e instanceof AppError ? e : fail(reason, target.url.toString()));
    });
    req.on("close", () => clearTimeout(timer));
    req.end();
  });
}

/** GET the metadata document under the policy; throws SAML_METADATA_FETCH_FAILED with a plain reason. */
export async function fetchMetadataXml(rawUrl: string, policy: MetadataFetchPolicy): Promise<string> {
  const deadline = Date.now() + (policy.timeoutMs ?? METADATA_TIMEOUT_MS);
  let target = checkUrl(rawUrl, policy);
  for (let hop = 0; hop <= (policy.maxRedirects ?? 3); hop++) {
    const res = await requestOnce(target, policy, deadline);
    if (res.status >= 300 && res.status < 400) {
      if (!res.location) throw fail(`HTTP ${res.status} without a Location`, rawUrl);
      target = checkUrl(new URL(res.location, target.url).toString(), policy);
      continue;
    }
    if (res.status !== 200) throw fail(`the server answered HTTP ${res.status}`, rawUrl);
    return res.body;
  }
  throw fail("too many redirects", rawUrl);
}
