import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import forge from "node-forge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyAddress } from "@/lib/http/outbound-fetch";
import { metadataUrlSchema } from "@/lib/schemas/connections";
import { fetchMetadataXml, looksLikeHtml } from "./metadata-fetch";

/**
 * Metadata URL errors say what is wrong and what to do: the SSRF guard for link-local and cloud
 * metadata addresses is on whatever the policy (development too) and says so; TLS failures in plain
 * words (real TLS servers on loopback); a web page is not metadata.
 */
type Pair = { key: string; cert: string };
const keys = forge.pki.rsa.generateKeyPair(2048);

function makeCert(opts: {
  cn: string;
  san?: string[];
  issuer?: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey };
  ca?: boolean;
  notAfter?: Date;
  notBefore?: Date;
}) {
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = String(Math.floor(Math.random() * 1e9));
  cert.validity.notBefore = opts.notBefore ?? new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = opts.notAfter ?? new Date(Date.now() + 86_400_000 * 30);
  cert.setSubject([{ name: "commonName", value: opts.cn }]);
  cert.setIssuer(opts.issuer ? opts.issuer.cert.subject.attributes : [{ name: "commonName", value: opts.cn }]);
  const ext: object[] = [{ name: "basicConstraints", cA: !!opts.ca }];
  if (opts.san) ext.push({ name: "subjectAltName", altNames: opts.san.map((value) => ({ type: 2, value })) });
  cert.setExtensions(ext);
  cert.sign(opts.issuer?.key ?? keys.privateKey, forge.md.sha256.create());
  return cert;
}

const ca = makeCert({ cn: "Gatehouse Test CA", ca: true });
const caPem = forge.pki.certificateToPem(ca);
const keyPem = forge.pki.privateKeyToPem(keys.privateKey);
const pair = (c: forge.pki.Certificate): Pair => ({ key: keyPem, cert: forge.pki.certificateToPem(c) });
const issuer = { cert: ca, key: keys.privateKey };

const servers: (http.Server | https.Server)[] = [];
async function listen(s: http.Server | https.Server): Promise<number> {
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  return (s.address() as AddressInfo).port;
}
const handler: http.RequestListener = (req, res) => {
  if (req.url === "/page")
    return res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end("<!DOCTYPE html><html><body>Sign in</body></html>");
  if (req.url === "/page-as-xml") return res.writeHead(200, { "content-type": "application/xml" }).end("\n<html><head></head></html>");
  res.writeHead(200, { "content-type": "application/samlmetadata+xml" }).end("<md:EntityDescriptor/>");
};

let good: number, expired: number, selfSigned: number, plain: number;
beforeAll(async () => {
  good = await listen(https.createServer(pair(makeCert({ cn: "localhost", san: ["localhost"], issuer })), handler));
  expired = await listen(
    https.createServer(
      pair(
        makeCert({
          cn: "localhost",
          san: ["localhost"],
          issuer,
          notBefore: new Date(Date.now() - 86_400_000 * 60),
          notAfter: new Date(Date.now() - 86_400_000),
        }),
      ),
      handler,
    ),
  );
  selfSigned = await listen(https.createServer(pair(makeCert({ cn: "localhost", san: ["localhost"] })), handler));
  plain = await listen(http.createServer(handler));
});
afterAll(() => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
});

const dev = { allowPrivate: true, allowHttpLoopback: true, ca: [caPem] };
const reasonOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return e as { code: string; message: string; hint: string; detail: { reason: string } };
  }
  throw new Error("expected a failure");
};

describe("metadata URL: link-local and cloud metadata addresses (SSRF), always refused", () => {
  it("http://169.254.169.254/ is refused as a link-local / cloud metadata address, not as 'only https', in development too", async () => {
    const e = await reasonOf(fetchMetadataXml("http://169.254.169.254/", dev));
    expect(e.code).toBe("SAML_METADATA_FETCH_FAILED");
    expect(e.detail.reason).toMatch(/169\.254\.169\.254 is a link-local or cloud metadata address/);
    expect(e.detail.reason).not.toMatch(/https/);
    expect(e.hint).toMatch(/public https:\/\/ metadata URL/);
  });

  it("IPv6 link-local (fe80::/10) and the AWS IPv6 metadata address (fd00:ec2::254) are refused the same way", async () => {
    for (const url of ["http://[fe80::1]/", "https://[fe80::abcd:1]/x", "https://[fd00:ec2::254]/latest"]) {
      const e = await reasonOf(fetchMetadataXml(url, dev));
      expect(e.detail.reason, url).toMatch(/link-local or cloud metadata address/);
    }
  });

  it("a host name that resolves to a link-local address is refused after DNS resolution", async () => {
    const lookup = async () => [{ address: "169.254.169.254", family: 4 }];
    const e = await reasonOf(fetchMetadataXml("https://metadata.attacker.test/idp.xml", { ...dev, lookup }));
    expect(e.detail.reason).toMatch(
      /metadata\.attacker\.test resolves to 169\.254\.169\.254, which is a link-local or cloud metadata address/,
    );
    const v6 = async () => [{ address: "fe80::1", family: 6 }];
    expect((await reasonOf(fetchMetadataXml("https://v6.attacker.test/", { ...dev, lookup: v6 }))).detail.reason).toMatch(/link-local/);
  });

  it("classifies link-local and metadata addresses as forbidden (never allowed), private ones as private", () => {
    for (const a of [
      "169.254.169.254",
      "169.254.0.1",
      "fe80::1",
      "febf::1",
      "fd00:ec2::254",
      "::ffff:169.254.169.254",
      "100.100.100.200",
    ]) {
      expect(classifyAddress(a), a).toBe("forbidden");
    }
    for (const a of ["10.0.0.1", "127.0.0.1", "fd00::1", "::1"]) expect(classifyAddress(a), a).toBe("private");
  });

  it("a private address is refused in production with its own explanation", async () => {
    const e = await reasonOf(fetchMetadataXml("https://10.1.2.3/x", { allowPrivate: false, allowHttpLoopback: false }));
    expect(e.detail.reason).toMatch(/private or loopback address/);
  });
});

describe("metadata URL: TLS errors in plain words", () => {
  it("a trusted certificate works (control)", async () => {
    expect(await fetchMetadataXml(`https://localhost:${good}/md`, dev)).toContain("EntityDescriptor");
  });

  it("expired certificate", async () => {
    const e = await reasonOf(fetchMetadataXml(`https://localhost:${expired}/md`, dev));
    expect(e.detail.reason).toBe("the server's TLS certificate has expired; the IdP's admin must renew it");
    expect(e.hint).toMatch(/TLS certificate/);
  });

  it("self-signed certificate", async () => {
    const e = await reasonOf(fetchMetadataXml(`https://localhost:${selfSigned}/md`, dev));
    expect(e.detail.reason).toMatch(/self-signed/);
  });

  it("hostname mismatch", async () => {
    const e = await reasonOf(fetchMetadataXml(`https://127.0.0.1:${good}/md`, dev));
    expect(e.detail.reason).toBe("the server's TLS certificate is for another host name, not 127.0.0.1");
  });
});

describe("metadata URL: a web page is not metadata", () => {
  it("an HTML page (by content type or by its first bytes) is 'a web page, not SAML metadata'", async () => {
    for (const path of ["/page", "/page-as-xml"]) {
      const e = await reasonOf(fetchMetadataXml(`http://127.0.0.1:${plain}${path}`, dev));
      expect(e.detail.reason, path).toBe("this is a web page (HTML), not SAML metadata");
      expect(e.hint).toMatch(/EntityDescriptor/);
    }
    expect(looksLikeHtml("application/xml", "<md:EntityDescriptor/>")).toBe(false);
  });
});

describe("metadata URL field: the shared schema gives inline feedback", () => {
  it("'not a url' is refused with a message that says what to type", () => {
    const r = metadataUrlSchema.safeParse("not a url");
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe("Enter the full metadata URL, starting with https://");
    expect(metadataUrlSchema.safeParse("https://idp.example.com/metadata").success).toBe(true);
  });
});
