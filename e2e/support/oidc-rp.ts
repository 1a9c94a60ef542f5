import { randomBytes } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import * as client from "openid-client";

/**
 * A real relying party on loopback for the e2e tests: a tiny web app that signs people in with
 * Gatehouse through openid-client (code flow, PKCE S256, state, nonce, ID token signature checked
 * against the JWKS) and shows the claims. `/initiate` is its initiate_login_uri (IdP-initiated landing).
 * It knows nothing of Gatehouse beyond the issuer URL, client_id and secret.
 */
export type RelyingParty = {
  url: string;
  redirectUri: string;
  initiateLoginUri: string;
  configure: (clientId: string, clientSecret: string) => Promise<void>;
  close: () => Promise<void>;
};

type Tx = { verifier: string; state: string; nonce: string };
const esc = (v: unknown) => String(v).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function startRelyingParty(issuer: string): Promise<RelyingParty> {
  let config: client.Configuration | null = null;
  const transactions = new Map<string, Tx>();
  const sessions = new Map<string, Record<string, unknown>>();
  let base = "";

  const cookie = (header: string | undefined, name: string) =>
    header
      ?.split(";")
      .map((p) => p.trim().split("="))
      .find(([k]) => k === name)?.[1];
  const page = (res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html><head><title>Loopback RP</title></head><body>${body}</body></html>`);
  };

  async function startLogin(res: ServerResponse, extra: Record<string, string>) {
    const tx: Tx = { verifier: client.randomPKCECodeVerifier(), state: client.randomState(), nonce: client.randomNonce() };
    const id = randomBytes(16).toString("hex");
    transactions.set(id, tx);
    const url = client.buildAuthorizationUrl(config!, {
      redirect_uri: `${base}/callback`,
      scope: "openid email profile organization groups",
      code_challenge: await client.calculatePKCECodeChallenge(tx.verifier),
      code_challenge_method: "S256",
      state: tx.state,
      nonce: tx.nonce,
      ...extra,
    });
    res.writeHead(303, { location: url.toString(), "set-cookie": `rp_tx=${id}; Path=/; HttpOnly; SameSite=Lax` });
    res.end();
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", base);
      try {
        if (url.pathname === "/login") {
          return await startLogin(res, Object.fromEntries(url.searchParams));
        }
        if (url.pathname === "/initiate") {
          // OIDC Core §4: only a known issuer may start a sign-in here.
          if (url.searchParams.get("iss") !== issuer) return page(res, 400, "<h1>Unknown issuer</h1>");
          const hint = url.searchParams.get("login_hint");
          return await startLogin(res, hint ? { login_hint: hint } : {});
        }
        if (url.pathname === "/callback") {
          const tx = transactions.get(cookie(req.headers.cookie, "rp_tx") ?? "");
          if (!tx) return page(res, 400, "<h1>No sign-in in progress</h1>");
          const tokens = await client.authorizationCodeGrant(config!, url, {
            pkceCodeVerifier: tx.verifier,
            expectedState: tx.state,
            expectedNonce: tx.nonce,
          });
          const sid = randomBytes(16).toString("hex");
          sessions.set(sid, { ...tokens.claims() });
          res.writeHead(303, { location: "/", "set-cookie": `rp_session=${sid}; Path=/; HttpOnly; SameSite=Lax` });
          return res.end();
        }
        const claims = sessions.get(cookie(req.headers.cookie, "rp_session") ?? "");
        if (!claims) return page(res, 200, `<h1>Loopback RP</h1><a href="/login">Sign in with Gatehouse</a>`);
        const rows = Object.entries(claims)
          .map(([k, v]) => `<dt>${esc(k)}</dt><dd data-claim="${esc(k)}">${esc(typeof v === "string" ? v : JSON.stringify(v))}</dd>`)
          .join("");
        return page(res, 200, `<h1>Welcome ${esc(claims.email)}</h1><dl>${rows}</dl>`);
      } catch (e) {
        return page(res, 500, `<h1>Sign-in failed</h1><pre>${esc((e as Error).message)}</pre>`);
      }
    })();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    redirectUri: `${base}/callback`,
    initiateLoginUri: `${base}/initiate`,
    configure: async (clientId, clientSecret) => {
      config = await client.discovery(new URL(issuer), clientId, clientSecret, undefined, { execute: [client.allowInsecureRequests] });
      client.enableNonRepudiationChecks(config);
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
