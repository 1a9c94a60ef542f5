import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { startTestDnsServer, type DnsAnswer } from "../../lib/testing/dns-server";

/**
 * The e2e DNS: a real DNS server on loopback that the app instances use (DNS_SERVERS), plus a tiny
 * control endpoint on loopback through which tests set records (E2E_DNS_CONTROL_URL, inherited by
 * the Playwright workers from global setup). Both live in the runner process for the whole run.
 */
export async function startE2eDns(): Promise<{ address: string; controlUrl: string }> {
  const dns = await startTestDnsServer();
  const control = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      try {
        const input = JSON.parse(body || "{}") as { name?: string; values?: string[] | null; answer?: DnsAnswer | null };
        if (req.method !== "PUT" || typeof input.name !== "string") throw new Error("PUT {name, values | answer}");
        if (req.url === "/txt") dns.setTxt(input.name, input.values ?? null);
        else if (req.url === "/answer") dns.setAnswer(input.name, input.answer ?? null);
        else throw new Error("unknown path");
        res.writeHead(204).end();
      } catch (e) {
        res.writeHead(400, { "content-type": "text/plain" }).end((e as Error).message);
      }
    });
  });
  await new Promise<void>((resolve) => control.listen(0, "127.0.0.1", resolve));
  control.unref();
  dns.unref();
  const controlUrl = `http://127.0.0.1:${(control.address() as AddressInfo).port}`;
  process.env.E2E_DNS_CONTROL_URL = controlUrl;
  return { address: dns.address, controlUrl };
}

/** From a test: publish (or with null remove) the TXT strings of `name` on the e2e DNS server. */
export async function setTxtRecord(name: string, values: string[] | null): Promise<void> {
  const url = process.env.E2E_DNS_CONTROL_URL;
  if (!url) throw new Error("E2E_DNS_CONTROL_URL is not set: the e2e global setup did not start the DNS server");
  const res = await fetch(`${url}/txt`, { method: "PUT", body: JSON.stringify({ name, values }) });
  if (res.status !== 204) throw new Error(`DNS control: ${res.status} ${await res.text()}`);
}
