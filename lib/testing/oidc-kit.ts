import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as client from "openid-client";
import type { Db } from "@/db";
import { memberships } from "@/db/schema";
import { mintSessionCookie, sessionCookieName } from "@/lib/auth/session-cookie";
import { env } from "@/lib/env";
import { REMOTE_ADDR_HEADER } from "@/lib/http/client-ip";
import type { OutboundPolicy } from "@/lib/http/outbound-fetch";
import { createApplication, type Application } from "@/lib/services/applications";
import { redeemLoginTicket } from "@/lib/services/login-tickets";
import { deliverBackchannelLogouts } from "@/lib/services/oidc-backchannel";
import { consumeSamlResponse } from "@/lib/services/saml-acs";
import type { User } from "@/lib/services/users";
import { postBackchannelLogout } from "@/server/oidc/backchannel";
import { createOidcMount } from "@/server/oidc/mount";
import { getOidcProvider, issuerFor, signLogoutToken } from "@/server/oidc/provider";
import { addVerifiedDomain } from "./fixtures";
import { TEST_APP_URL, type SamlKit } from "./saml-kit";

/**
 * Real parts for testing Gatehouse's OpenID Connect provider: the provider mounted in a Node HTTP
 * server on loopback (the same mount as server/index.ts), a cookie-keeping "browser" that follows
 * redirects inside Gatehouse, and openid-client as the relying party.
 */
export type OidcServer = { url: string; issuer: string; server: Server; close: () => Promise<void> };

export async function startOidcServer(db: Db): Promise<OidcServer> {
  let url = "";
  const mount = createOidcMount({
    getDb: async () => db,
    settings: () => ({ appUrl: url, authSecret: envSecret(), secureCookies: false }),
  });
  const server = createServer((req, res) => {
    req.headers[REMOTE_ADDR_HEADER] = req.socket.remoteAddress ?? "";
    void mount(req, res).then((handled) => {
      if (!handled) {
        res.writeHead(404, { "content-type": "text/plain" });
        res.end("not the provider");
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    issuer: issuerFor(url),
    server,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** The same AUTH_SECRET the session cookies of this process are signed with. */
const envSecret = () => env().authSecret;

export const CALLBACK = "http://127.0.0.1:9/callback";

/** A browser over real HTTP (unlike lib/testing/test-browser.ts, which builds Requests for route handlers): a cookie jar and manual redirects; stops at the first Location outside `base` (the application, /login, SSO). */
export class HttpBrowser {
  readonly cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const i = pair!.indexOf("=");
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (!value || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(url, { ...init, redirect: "manual", headers: { ...(init.headers as object), cookie: this.header() } });
    this.store(res);
    return res;
  }

  /** GET `url` and follow redirects while they stay on the provider; returns the last response and its URL. */
  async navigate(url: string, init: RequestInit = {}): Promise<{ res: Response; url: string; location: string | null }> {
    let current = url;
    let res = await this.request(current, init);
    for (let i = 0; i < 15; i++) {
      const location = res.headers.get("location");
      if (res.status < 300 || res.status >= 400 || !location) return { res, url: current, location: null };
      const next = new URL(location, current).toString();
      if (!next.startsWith(`${this.base}/oidc/`)) return { res, url: current, location: next };
      current = next;
      res = await this.request(current);
    }
    throw new Error("too many redirects");
  }

  /** Be signed in to Gatehouse, as /auth/sso/complete or the password form would leave the browser. */
  async signIn(user: User, o: { connectionId?: string | null; amr?: "pwd"; now?: Date } = {}): Promise<void> {
    const cookie = await mintSessionCookie(
      user,
      o.amr === "pwd" ? { amr: "pwd", now: o.now } : { connectionId: o.connectionId, now: o.now },
    );
    this.cookies.set(cookie.name, cookie.value);
  }

  signOut(): void {
    this.cookies.delete(sessionCookieName());
  }
}

/**
 * SSO through a test IdP's connection, end to end on the services: SP-initiated request, a signed
 * response, the ACS (provisioning, groups), the login ticket and the session it makes.
 */
export async function signInWithSso(
  db: Db,
  browser: HttpBrowser,
  kit: SamlKit,
  o: { email: string; groups?: string[]; returnTo: string },
): Promise<User> {
  const { requestId, nonce } = await kit.login({ returnTo: o.returnTo });
  const samlResponse = kit.respond({
    email: o.email,
    inResponseTo: requestId,
    attributes: { firstName: "Ada", lastName: "Lovelace", groups: o.groups ?? ["engineering"] },
  });
  const r = await consumeSamlResponse(db, { slug: kit.connection.slug, samlResponse, relayState: null, appUrl: TEST_APP_URL });
  if (r.kind !== "redirect" || !r.userId) throw new Error(`ACS failed: ${r.kind === "page" ? r.error.code : r.errorCode}`);
  const ticket = new URL(r.location, TEST_APP_URL).searchParams.get("ticket")!;
  // The same browser that started the sign-in (login nonce) and received the ACS's binding cookie.
  const { user, connectionId, returnTo } = await redeemLoginTicket(db, ticket, { browserBinding: r.browserBinding, loginNonce: nonce });
  const cookie = await mintSessionCookie(user, { connectionId });
  browser.cookies.set(cookie.name, cookie.value);
  if (returnTo !== o.returnTo) throw new Error(`return_to lost: ${returnTo}`);
  return user;
}

export type TestApp = { application: Application; clientSecret: string; config: client.Configuration };

export async function registerApp(
  db: Db,
  op: OidcServer,
  o: { backchannelLogoutUri?: string; postLogoutRedirectUris?: string[]; initiateLoginUri?: string; redirectUris?: string[] } = {},
): Promise<TestApp> {
  const { application, clientSecret } = await createApplication(db, {
    name: "Test app",
    redirectUris: o.redirectUris ?? [CALLBACK],
    postLogoutRedirectUris: o.postLogoutRedirectUris ?? [],
    backchannelLogoutUri: o.backchannelLogoutUri ?? null,
    initiateLoginUri: o.initiateLoginUri ?? null,
  });
  const config = await client.discovery(new URL(op.issuer), application.clientId, clientSecret, undefined, {
    execute: [client.allowInsecureRequests],
  });
  client.enableNonRepudiationChecks(config);
  return { application, clientSecret, config };
}

/** The same application seen by a relying party that starts afresh (new discovery, empty JWKS cache). */
export async function rediscover(op: OidcServer, app: TestApp): Promise<TestApp> {
  const config = await client.discovery(new URL(op.issuer), app.application.clientId, app.clientSecret, undefined, {
    execute: [client.allowInsecureRequests],
  });
  client.enableNonRepudiationChecks(config);
  return { ...app, config };
}

export type AuthorizationStart = { url: URL; verifier: string; state: string; nonce: string };

export async function startAuthorization(app: TestApp, params: Record<string, string> = {}): Promise<AuthorizationStart> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(app.config, {
    redirect_uri: CALLBACK,
    scope: "openid email profile organization groups offline_access",
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    nonce,
    ...params,
  });
  return { url, verifier, state, nonce };
}

/** The whole browser leg: authorization request → (interaction) → the application's callback URL. */
export async function authorize(browser: HttpBrowser, start: AuthorizationStart): Promise<{ location: string | null; last: Response }> {
  const r = await browser.navigate(start.url.toString());
  return { location: r.location, last: r.res };
}

export async function exchange(app: TestApp, start: AuthorizationStart, callbackUrl: string) {
  return client.authorizationCodeGrant(app.config, new URL(callbackUrl), {
    pkceCodeVerifier: start.verifier,
    expectedState: start.state,
    expectedNonce: start.nonce,
  });
}

/** A loopback receiver for back-channel logout POSTs. */
export async function startLogoutReceiver(status = 200) {
  const received: { body: string; contentType: string | undefined }[] = [];
  const state = { status };
  const server = createServer((req: IncomingMessage, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ body, contentType: req.headers["content-type"] });
      res.writeHead(state.status);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/backchannel`;
  return { url, received, state, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A verified email domain of the workspace, routed to a connection (as the domains feature leaves it). */
export async function routeDomain(db: Db, workspaceId: string, domain: string, connectionId: string | null): Promise<void> {
  await addVerifiedDomain(db, workspaceId, domain, connectionId);
}

export async function addMember(db: Db, workspaceId: string, userId: string, role: "admin" | "editor" | "viewer" = "viewer") {
  const [m] = await db.insert(memberships).values({ workspaceId, userId, role, status: "active", source: "password" }).returning();
  return m!;
}

/** The back-channel logout job, run now against this provider (as the scheduler would). */
export async function runLogoutDeliveries(db: Db, op: OidcServer, now = new Date(), policy?: OutboundPolicy) {
  const provider = await getOidcProvider(db, { appUrl: op.url, authSecret: env().authSecret, secureCookies: false });
  return deliverBackchannelLogouts(db, now, {
    signLogoutToken: (clientId, sub, sid) => signLogoutToken(provider, clientId, sub, sid),
    post: (url, form) => postBackchannelLogout(url, form, policy),
  });
}

export function callbackParams(location: string | null): URLSearchParams {
  if (!location) throw new Error("no redirect to the application");
  const u = new URL(location);
  return u.hash.length > 1 ? new URLSearchParams(u.hash.slice(1)) : u.searchParams;
}
