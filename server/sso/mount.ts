import type { IncomingMessage, ServerResponse } from "node:http";
import type { Db } from "@/db";
import { answerAcsPost } from "@/lib/http/saml-acs-post";
import { answerSsoComplete } from "@/lib/http/sso-complete";
import { baseSecurityHeaders } from "@/lib/http/security-headers";

/**
 * The two requests of every SSO sign-in, answered by the Node server before Next (issue 16): the SAML
 * ACS (POST /auth/sso/saml/{slug}/acs) and the ticket hand-off (GET /auth/sso/complete). A sign-in
 * rush skips Next's routing, proxy.ts and the app-router route machinery (≈ 15% of a sign-in's CPU in
 * the profile). The answers are the route handlers' own functions (`answerAcsPost`,
 * `answerSsoComplete`), and the response carries what proxy.ts adds to every response, unless the
 * answer set the header itself (the hand-offs' `Referrer-Policy: no-referrer` stays). Anything else
 * (another method, a longer path, an undecodable slug, a Next client-side fetch) is left to Next, which
 * answers it as before.
 */
export type SsoMountOptions = { getDb: () => Promise<Db>; appUrl: string; https: boolean };

const ACS_PATH = /^\/auth\/sso\/saml\/([^/]+)\/acs$/;

/** The path of a request target, without its query. */
const pathOf = (url: string) => url.split("?", 1)[0]!;

export function acsSlugOf(method: string | undefined, url: string | undefined): string | null {
  if (method !== "POST" || !url) return null;
  const m = ACS_PATH.exec(pathOf(url));
  if (!m) return null;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return null;
  }
}

/**
 * The request body as a web stream that never destroys the request: a body abandoned at the size cap
 * (reader.cancel()) is left unread, and the answer then closes the connection (see writeResponse)
 * instead of resetting it under the client, which would break the next request on a kept-alive socket.
 */
function bodyOf(req: IncomingMessage): ReadableStream<Uint8Array> {
  const chunks = req[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await chunks.next();
      if (done) controller.close();
      else controller.enqueue(new Uint8Array(value as Buffer));
    },
  });
}

/** GET /auth/sso/complete (any query), as a real navigation: a Next client-side fetch is left to Next. */
export function isSsoComplete(req: Pick<IncomingMessage, "method" | "url" | "headers">): boolean {
  if (req.method !== "GET" || !req.url) return false;
  if (req.headers.rsc !== undefined || req.headers["next-router-prefetch"] !== undefined) return false;
  return pathOf(req.url) === "/auth/sso/complete";
}

function toRequest(req: IncomingMessage, appUrl: string): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  const url = new URL(req.url ?? "/", appUrl);
  if (req.method === "GET") return new Request(url, { method: "GET", headers });
  return new Request(url, { method: "POST", headers, body: bodyOf(req), duplex: "half" } as RequestInit);
}

async function writeResponse(req: IncomingMessage, res: ServerResponse, response: Response, defaults: [string, string][]) {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) headers["set-cookie"] = cookies;
  for (const [name, value] of defaults) if (!response.headers.has(name)) headers[name.toLowerCase()] = value;
  const body = Buffer.from(await response.arrayBuffer());
  headers["content-length"] = String(body.length);
  // A body the answer did not read to the end (over the cap, or refused before reading) is not
  // drained: the connection closes after this response, and the client knows not to reuse it.
  if (!req.complete) headers.connection = "close";
  res.writeHead(response.status, headers);
  res.end(body);
}

export function createSsoMount(opts: SsoMountOptions) {
  const defaults = baseSecurityHeaders({ https: opts.https });
  return async function handleSignIn(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const slug = acsSlugOf(req.method, req.url);
    if (slug !== null) {
      await writeResponse(req, res, await answerAcsPost(toRequest(req, opts.appUrl), slug, opts.getDb), defaults);
      return true;
    }
    if (isSsoComplete(req)) {
      await writeResponse(req, res, await answerSsoComplete(toRequest(req, opts.appUrl), opts.getDb), defaults);
      return true;
    }
    return false;
  };
}
