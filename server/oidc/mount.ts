import type { IncomingMessage, ServerResponse } from "node:http";
import type Provider from "oidc-provider";
import type { Db } from "@/db";
import { clientIp } from "@/lib/http/client-ip";
import { interactionProblemPage } from "@/lib/http/oidc-pages";
import { logger } from "@/lib/logger";
import { OIDC_MOUNT_PATH } from "@/lib/oidc/paths";
import { handleInteraction, handleLaunch, sendPage } from "./interaction";
import { getOidcProvider, type OidcSettings } from "./provider";

/**
 * The OpenID Connect provider's place in the Node server: everything under /oidc is answered here,
 * before Next (so proxy.ts does not run for it: the provider and these handlers set their own
 * security headers). Host and scheme are pinned from APP_URL: a request's Host or X-Forwarded-*
 * headers never change an issuer, endpoint or redirect URL.
 */
export type OidcMountOptions = { getDb: () => Promise<Db>; settings: () => OidcSettings };

const INTERACTION = /^\/interaction\/([A-Za-z0-9_-]{10,64})(\/organization)?\/?$/;
const LAUNCH = /^\/launch\/([A-Za-z0-9_-]{4,64})\/?$/;

export function isOidcPath(url: string | undefined): boolean {
  if (!url) return false;
  return url === OIDC_MOUNT_PATH || url.startsWith(`${OIDC_MOUNT_PATH}/`) || url.startsWith(`${OIDC_MOUNT_PATH}?`);
}

/** Overwrite what the request says about where it was sent with APP_URL. */
export function pinRequestToAppUrl(req: IncomingMessage, appUrl: string, ip: string | null): void {
  const u = new URL(appUrl);
  req.headers.host = u.host;
  req.headers["x-forwarded-proto"] = u.protocol.replace(":", "");
  delete req.headers["x-forwarded-host"];
  delete req.headers["x-forwarded-port"];
  delete req.headers.forwarded;
  if (ip) req.headers["x-forwarded-for"] = ip;
  else delete req.headers["x-forwarded-for"];
}

const callbacks = new WeakMap<Provider, ReturnType<Provider["callback"]>>();

export function createOidcMount(opts: OidcMountOptions) {
  return async function handleOidc(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = req.url ?? "/";
    if (!isOidcPath(url)) return false;
    if (req.headers.rsc !== undefined || req.headers["next-router-prefetch"] !== undefined) {
      // A Next client-side fetch must never run (and use up) a sign-in step: only real navigations do.
      res.writeHead(400, { "Cache-Control": "no-store", "Content-Type": "text/plain; charset=utf-8" });
      res.end("Open this address in the browser.");
      return true;
    }
    const settings = opts.settings();
    const ip = clientIp(req.headers);
    pinRequestToAppUrl(req, settings.appUrl, ip);
    // What proxy.ts would add for every response (the provider and the pages here add their CSPs).
    res.setHeader("X-Content-Type-Options", "nosniff");
    if (settings.secureCookies) res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    try {
      const db = await opts.getDb();
      const provider = await getOidcProvider(db, settings);
      const path = url.slice(OIDC_MOUNT_PATH.length) || "/";
      const pathname = path.split("?")[0]!;
      const c = { provider, db, appUrl: settings.appUrl, ip };
      const interaction = INTERACTION.exec(pathname);
      if (interaction) {
        await handleInteraction(c, req, res, interaction[1]!, interaction[2] ? "organization" : "show");
        return true;
      }
      const launch = LAUNCH.exec(pathname);
      if (launch && (req.method === "GET" || req.method === "HEAD")) {
        await handleLaunch(c, req, res, launch[1]!);
        return true;
      }
      // As connect/express would mount it: the provider sees its own path, and the mount in originalUrl.
      (req as IncomingMessage & { originalUrl?: string }).originalUrl = url;
      req.url = path.startsWith("/") ? path : `/${path}`;
      let callback = callbacks.get(provider);
      if (!callback) callbacks.set(provider, (callback = provider.callback()));
      await callback(req, res);
    } catch (err) {
      logger.error("oidc request failed", { err, path: url.split("?")[0] });
      if (!res.headersSent) sendPage(res, interactionProblemPage("Something went wrong on our side.", "Try again in a moment."), 500);
      else res.end();
    }
    return true;
  };
}
