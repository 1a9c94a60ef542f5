/**
 * The SSRF-checked outbound fetch, against real HTTP servers on loopback. Names are resolved by an
 * injected lookup where a test needs a name to point somewhere specific (no outside DNS is reached).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyAddress, OutboundFetchError, outboundFetch, type OutboundPolicy } from "./outbound-fetch";

let server: http.Server;
let port: number;
let base: string;
const hits: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    if (req.url === "/ok") return res.end("hello");
    if (req.url === "/echo") {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => res.end(`got ${Buffer.concat(chunks).toString()}`));
      return;
    }
    if (req.url === "/to-metadata") return res.writeHead(302, { location: "https://169.254.169.254/latest/meta-data/" }).end();
    if (req.url === "/to-lan") return res.writeHead(302, { location: "http://192.168.1.10/admin" }).end();
    if (req.url === "/to-ok") return res.writeHead(307, { location: "/ok" }).end();
    if (req.url === "/loop") return res.writeHead(302, { location: "/loop" }).end();
    if (req.url === "/big") {
      res.writeHead(200, { "transfer-encoding": "chunked" });
      for (let i = 0; i < 40; i++) res.write("z".repeat(64 * 1024));
      return res.end();
    }
    if (req.url === "/hang") return; // never answers
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const dev: OutboundPolicy = { allowPrivate: true, allowHttpLoopback: true };
const prod: OutboundPolicy = { allowPrivate: false, allowHttpLoopback: false };
const reasonOf = (p: Promise<unknown>) =>
  p.then(
    () => "OK",
    (e) => (e instanceof OutboundFetchError ? e.reason : `unexpected ${String(e)}`),
  );
/** A resolver that answers from a table (and counts its calls). */
function table(entries: Record<string, string[]>) {
  const calls: string[] = [];
  const lookup = async (name: string) => {
    calls.push(name);
    const list = entries[name];
    if (!list) throw Object.assign(new Error("not found"), { code: "ENOTFOUND" });
    return list.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  return { lookup, calls };
}

describe("outbound fetch", () => {
  it("fetches from a loopback server in development (GET, and POST with a body)", async () => {
    const res = await outboundFetch(`${base}/ok`, dev);
    expect([res.status, res.body.toString()]).toEqual([200, "hello"]);
    const posted = await outboundFetch(`${base}/echo`, dev, { method: "POST", body: "payload", headers: { "content-type": "text/plain" } });
    expect(posted.body.toString()).toBe("got payload");
  });

  it("refuses loopback and private addresses unless allowed (also after name resolution)", async () => {
    expect(await reasonOf(outboundFetch(`${base}/ok`, { allowPrivate: false, allowHttpLoopback: true }))).toBe("address_not_allowed");
    const { lookup } = table({ "idp.corp.test": ["10.1.2.3"] });
    expect(await reasonOf(outboundFetch("https://idp.corp.test/md", { ...prod, lookup }))).toBe("address_not_allowed");
    expect(await reasonOf(outboundFetch("https://10.1.2.3/md", prod))).toBe("address_not_allowed");
    expect(await reasonOf(outboundFetch("https://[::1]/md", prod))).toBe("address_not_allowed");
  });

  it("always refuses link-local and cloud metadata addresses, even in development", async () => {
    for (const url of [
      "http://169.254.169.254/latest/meta-data/",
      "https://169.254.169.254/latest/meta-data/",
      "https://[fe80::1]/x",
      "https://[fd00:ec2::254]/latest",
      "https://100.100.100.200/latest",
      "https://[::ffff:169.254.169.254]/x",
    ]) {
      // The address is named as the reason whatever the scheme (issue 15 item 9: not "only https").
      expect([url, await reasonOf(outboundFetch(url, dev))]).toEqual([url, "address_not_allowed"]);
    }
    // A name that resolves to the metadata address, or to a mix that includes it.
    const { lookup } = table({ "metadata.internal.test": ["169.254.169.254"], "mixed.test": ["127.0.0.1", "169.254.169.254"] });
    expect(await reasonOf(outboundFetch("https://metadata.internal.test/x", { ...dev, lookup }))).toBe("address_not_allowed");
    expect(await reasonOf(outboundFetch("https://mixed.test/x", { ...dev, lookup }))).toBe("address_not_allowed");
    // A loopback name may not resolve elsewhere either (http is for loopback only).
    const { lookup: sneaky } = table({ "evil.localhost": ["127.0.0.1", "10.0.0.7"] });
    expect(await reasonOf(outboundFetch(`http://evil.localhost:${port}/ok`, { ...dev, lookup: sneaky }))).toBe("address_not_allowed");
  });

  it("a redirect to a refused address is refused before it is requested; allowed redirects are followed", async () => {
    expect(await reasonOf(outboundFetch(`${base}/to-metadata`, dev))).toBe("address_not_allowed");
    expect(await reasonOf(outboundFetch(`${base}/to-lan`, dev))).toBe("scheme_not_allowed"); // http only to loopback
    expect((await outboundFetch(`${base}/to-ok`, dev)).body.toString()).toBe("hello");
    expect(await reasonOf(outboundFetch(`${base}/loop`, dev))).toBe("too_many_redirects");
    // POST never follows a redirect: the caller sees the 3xx.
    expect((await outboundFetch(`${base}/to-ok`, dev, { method: "POST", body: "x" })).status).toBe(307);
  });

  it("resolves once per connection and connects to the address it checked (no DNS rebinding)", async () => {
    let n = 0;
    const calls: string[] = [];
    // First answer loopback (allowed in development), any later answer the metadata address.
    const lookup = async (name: string) => {
      calls.push(name);
      return [{ address: n++ === 0 ? "127.0.0.1" : "169.254.169.254", family: 4 }];
    };
    const res = await outboundFetch(`http://rebind.localhost:${port}/ok`, { ...dev, lookup });
    expect(res.body.toString()).toBe("hello");
    expect(calls).toEqual(["rebind.localhost"]);
  });

  it("stops at the size cap and at the deadline, with clear reasons", async () => {
    expect(await reasonOf(outboundFetch(`${base}/big`, { ...dev, maxBytes: 1024 * 1024 }))).toBe("too_large");
    expect(await reasonOf(outboundFetch(`${base}/hang`, { ...dev, timeoutMs: 250 }))).toBe("timeout");
  });

  it("refuses credentials in URLs, other schemes, plain http in production and names that do not resolve", async () => {
    expect(await reasonOf(outboundFetch(`http://user:pw@127.0.0.1:${port}/ok`, dev))).toBe("credentials_in_url");
    expect(await reasonOf(outboundFetch("ftp://example.test/x", dev))).toBe("scheme_not_allowed");
    expect(await reasonOf(outboundFetch(`${base}/ok`, { allowPrivate: true, allowHttpLoopback: false }))).toBe("scheme_not_allowed");
    expect(await reasonOf(outboundFetch("not a url", dev))).toBe("invalid_url");
    const { lookup } = table({});
    expect(await reasonOf(outboundFetch("https://nowhere.invalid/x", { ...prod, lookup }))).toBe("dns_failed");
  });

  it("classifies addresses: public, private (development only) and forbidden (never)", () => {
    for (const a of ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
      expect([a, classifyAddress(a)]).toEqual([a, "public"]);
    for (const a of ["10.0.0.1", "127.0.0.1", "172.16.5.4", "192.168.1.1", "100.64.0.1", "::1", "fd00::1", "::ffff:10.0.0.1"]) {
      expect([a, classifyAddress(a)]).toEqual([a, "private"]);
    }
    for (const a of [
      "169.254.169.254",
      "169.254.1.1",
      "fe80::1",
      "fd00:ec2::254",
      "100.100.100.200",
      "0.0.0.0",
      "::",
      "224.0.0.1",
      "255.255.255.255",
      "::ffff:169.254.169.254",
      "garbage",
    ]) {
      expect([a, classifyAddress(a)]).toEqual([a, "forbidden"]);
    }
  });
});
