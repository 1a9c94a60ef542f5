import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type ReceivedWebhook = { headers: IncomingHttpHeaders; body: string; receivedAt: number };

/**
 * A webhook receiver on loopback for tests: records every POST and answers `status()` (e.g. 503 while
 * "down"), optionally after a small delay so concurrent deliveries interleave.
 */
export async function startWebhookReceiver(opts: { status?: () => number; delayMs?: () => number } = {}) {
  const received: ReceivedWebhook[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const status = opts.status?.() ?? 204;
      if (status >= 200 && status < 300)
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), receivedAt: Date.now() });
      setTimeout(() => {
        res.statusCode = status;
        res.end(status >= 300 ? "down for maintenance" : "");
      }, opts.delayMs?.() ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
