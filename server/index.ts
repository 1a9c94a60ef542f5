/**
 * The Gatehouse server (`npm start`, `npm run dev`): a plain Node HTTP server in front of Next's
 * request handler. It records the socket address (so throttling never trusts a client-sent
 * X-Forwarded-For), prepares the database, runs the scheduler and, on the embedded database, takes
 * the operator CLI's commands. Built to plain JavaScript by scripts/build-server.mjs for production.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import next from "next";
import { getDbHandle } from "@/db";
import { EnvError, emailStartupNotice, env, type AppEnv } from "@/lib/env";
import { ORGANIZATION_SCOPE_HEADER } from "@/lib/api/request-id";
import { REMOTE_ADDR_HEADER } from "@/lib/http/client-ip";
import { logger } from "@/lib/logger";
import { getReadyDb } from "./bootstrap";
import { createOidcMount } from "./oidc/mount";
import { createSsoMount } from "./sso/mount";
import { oidcSettingsFromEnv } from "./oidc/provider";
import { startScheduler } from "./scheduler";
import { removeServerInfo, writeServerInfo } from "./server-info";

function loadEnvOrExit(): AppEnv {
  try {
    return env();
  } catch (err) {
    if (err instanceof EnvError) {
      console.error(`Gatehouse cannot start: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
}

async function main() {
  const e = loadEnvOrExit();
  const dev = process.env.NODE_ENV !== "production";
  const app = next({ dev, dir: process.cwd(), port: e.port, hostname: "localhost" });
  await app.prepare();
  const nextHandler = app.getRequestHandler();

  // Migrations and the demo seed. A database that is down at start is not fatal: /api/health says
  // 503 and every request retries until it is back.
  await getReadyDb().catch((err) => logger.error("database not ready at start; will retry on the next request", { err }));
  const scheduler = e.appEnv === "test" ? null : startScheduler({ getDb: getReadyDb });

  // The OpenID Connect provider answers everything under /oidc before Next (server/oidc/mount.ts).
  const oidc = createOidcMount({ getDb: getReadyDb, settings: () => oidcSettingsFromEnv(e) });
  // The two requests of every SSO sign-in too (server/sso/mount.ts): the ACS and the ticket hand-off, without Next.
  const sso = createSsoMount({ getDb: getReadyDb, appUrl: e.appUrl, https: e.secureCookies });
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    req.headers[REMOTE_ADDR_HEADER] = req.socket.remoteAddress ?? "";
    // Set only by proxy.ts's /api/v1/organizations/{id}/… rewrite: a client's own copy never counts
    // (proxy.ts drops it too; this holds for any path the proxy does not match).
    delete req.headers[ORGANIZATION_SCOPE_HEADER];
    if (await oidc(req, res)) return;
    if (await sso(req, res)) return;
    await nextHandler(req, res);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      logger.error("request failed outside the app's error handling", { err, path: req.url?.split("?")[0] });
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      res.end("Internal error");
    });
  });
  // Keep idle connections longer than a load balancer does (AWS ALB: 60 s), so the balancer (or a
  // client) never reuses a socket the server is closing at that very moment (ECONNRESET).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.listen(e.port, () => {
    if (!e.databaseUrl) {
      // Embedded database: this process owns PGlite, so the operator CLI hands its commands to us
      // (POST /api/internal/cli over loopback with this token; see server/cli-bridge.ts).
      const info = writeServerInfo(e.dataDir, (server.address() as AddressInfo).port);
      process.on("exit", () => removeServerInfo(e.dataDir, info));
    }
    const db = e.databaseUrl ? "Postgres" : `embedded PGlite in ${e.dataDir}`;
    console.log(`Gatehouse listening on ${e.appUrl} (port ${e.port}, ${db}${dev ? ", Next dev mode" : ""})`);
    const mail = emailStartupNotice(e);
    if (mail) console.log(mail);
  });

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(0), 5000).unref();
    server.close(async () => {
      await scheduler?.stop();
      await (await getDbHandle().catch(() => null))?.close().catch(() => {});
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((err) => {
  console.error("Gatehouse failed to start:", err instanceof Error ? err.message : err);
  process.exit(1);
});
