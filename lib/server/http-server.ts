/**
 * Production HTTP server (`npm start`): Next's request handler behind a plain Node server, so the
 * socket's address can be recorded for throttling without trusting client-sent X-Forwarded-For.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import next from "next";
import { EnvError, env } from "@/lib/env";
import { REMOTE_ADDR_HEADER } from "./client-ip";
import { removeServerInfo, writeServerInfo } from "./server-info";

async function main() {
  let e;
  try {
    e = env();
  } catch (err) {
    if (err instanceof EnvError) {
      console.error(`Gatehouse cannot start: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const app = next({ dev: false, dir: process.cwd(), port: e.port, hostname: "localhost" });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = createServer((req, res) => {
    req.headers[REMOTE_ADDR_HEADER] = req.socket.remoteAddress ?? "";
    void handle(req, res);
  });
  server.listen(e.port, () => {
    if (!e.databaseUrl) {
      // Embedded database: this process owns PGlite, so the operator CLI hands its commands to us
      // (POST /api/internal/cli over loopback with this token; see lib/server/cli-bridge.ts).
      const info = writeServerInfo(e.dataDir, (server.address() as AddressInfo).port);
      process.on("exit", () => removeServerInfo(e.dataDir, info));
    }
    console.log(`Gatehouse listening on ${e.appUrl} (port ${e.port}, ${e.databaseUrl ? "Postgres" : "embedded PGlite in " + e.dataDir})`);
  });
  const stop = () => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((err) => {
  console.error("Gatehouse failed to start:", err instanceof Error ? err.message : err);
  process.exit(1);
});
