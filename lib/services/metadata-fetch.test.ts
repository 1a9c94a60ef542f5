import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchMetadataXml, isNonPublicAddress } from "./metadata-fetch";

let server: http.Server;
let base: string;
let port: number;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === "/ok") return res.end("<md:EntityDescriptor/>");
    if (req.url === "/big") return res.end("x".repeat(1024 * 1024 + 10));
    if (req.url === "/big-chunked") {
      res.writeHead(200, { "transfer-encoding": "chunked" });
      for (let i = 0; i < 20; i++) res.write("y".repeat(64 * 1024));
      return res.end();
    }
    if (req.url === "/slow") return void setTimeout(() => res.end("late"), 3000);
    if (req.url === "/500") return res.writeHead(500).end("nope");
    if (req.url === "/redirect-out") return res.writeHead(302, { location: "http://example.com/meta" }).end();
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

const dev = { allowPrivate: true, allowHttpLoopback: true };
const strict = { allowPrivate: false, allowHttpLoopback: true };

describe("metadata URL fetch", () => {
  it("fetches from loopback over http outside production", async () => {
    expect(await fetchMetadataXml(`${base}/ok`, dev)).toContain("EntityDescriptor");
    expect(await fetchMetadataXml(`http://localhost:${port}/ok`, dev)).toContain("EntityDescriptor");
  });

  it("refuses http for anything but loopback, and http entirely in production", async () => {
    await expect(fetchMetadataXml("http://example.com/meta", dev)).rejects.toMatchObject({ code: "SAML_METADATA_FETCH_FAILED" });
    await expect(fetchMetadataXml(`${base}/ok`, { allowPrivate: true, allowHttpLoopback: false })).rejects.toMatchObject({
      code: "SAML_METADATA_FETCH_FAILED",
    });
    await expect(fetchMetadataXml("ftp://example.com/meta", dev)).rejects.toMatchObject({ code: "SAML_METADATA_FETCH_FAILED" });
    await expect(fetchMetadataXml(`${base}/redirect-out`, dev)).rejects.toMatchObject({ code: "SAML_METADATA_FETCH_FAILED" });
  });

  it("refuses private, loopback and link-local addresses, also after DNS resolution (SSRF)", async () => {
    await expect(fetchMetadataXml(`${base}/ok`, strict)).rejects.toMatchObject({ code: "SAML_METADATA_FETCH_FAILED" });
    // A name that resolves to loopback: checked at connect time, on the resolved address.
    const byName = fetchMetadataXml(`http://localhost:${port}/ok`, strict);
    await expect(byName).rejects.toMatchObject({
      code: "SAML_METADATA_FETCH_FAILED",
      detail: { reason: expect.stringMatching(/private|loopback/) },
    });
    await expect(fetchMetadataXml(`https://localhost:${port}/ok`, strict)).rejects.toMatchObject({
      detail: { reason: expect.stringMatching(/private|loopback/) },
    });
    await expect(fetchMetadataXml("https://169.254.169.254/latest/meta-data", strict)).rejects.toMatchObject({
      detail: { reason: expect.stringMatching(/link-local/) },
    });
    await expect(fetchMetadataXml("https://[::1]/x", strict)).rejects.toMatchObject({ code: "SAML_METADATA_FETCH_FAILED" });
    await expect(fetchMetadataXml("https://10.1.2.3/x", strict)).rejects.toMatchObject({ code: "SAML_METADATA_FETCH_FAILED" });
  });

  it("caps the document at 1 MB (declared or streamed)", async () => {
    await expect(fetchMetadataXml(`${base}/big`, dev)).rejects.toMatchObject({ detail: { reason: expect.stringMatching(/1 MB/) } });
    await expect(fetchMetadataXml(`${base}/big-chunked`, dev)).rejects.toMatchObject({ detail: { reason: expect.stringMatching(/1 MB/) } });
  });

  it("times out (5 s by default; shortened here)", async () => {
    const started = Date.now();
    await expect(fetchMetadataXml(`${base}/slow`, { ...dev, timeoutMs: 300 })).rejects.toMatchObject({
      detail: { reason: expect.stringMatching(/timed out/) },
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("reports non-200 answers", async () => {
    await expect(fetchMetadataXml(`${base}/500`, dev)).rejects.toMatchObject({ detail: { reason: expect.stringMatching(/500/) } });
  });

  it("classifies addresses", () => {
    for (const a of [
      "10.0.0.1",
      "127.0.0.1",
      "169.254.169.254",
      "172.16.5.4",
      "192.168.1.1",
      "100.64.0.1",
      "0.0.0.0",
      "::1",
      "fe80::1",
      "fd00::1",
      "::ffff:127.0.0.1",
      "::ffff:10.0.0.1",
      "::",
    ]) {
      expect(isNonPublicAddress(a), a).toBe(true);
    }
    for (const a of ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"]) expect(isNonPublicAddress(a), a).toBe(false);
  });
});
