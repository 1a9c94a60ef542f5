import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import * as client from "openid-client";
import type { Db } from "@/db";
import { applications } from "@/db/schema";
import { openSecret, sealSecret } from "@/lib/crypto/secret-box";
import { AppError } from "@/lib/errors";
import { OIDC_MOUNT_PATH } from "@/lib/oidc/paths";
import { devIdpEnabled } from "./dev-idp-store";

/**
 * The demo application (development only): a relying party served by Gatehouse itself under
 * /dev/app, registered like any other application, that signs in through Gatehouse's OpenID Connect
 * provider with openid-client and shows the verified ID token claims. The newcomer sees the whole
 * chain: app → Gatehouse → IdP → Gatehouse → app.
 */
export const DEMO_APP_CLIENT_ID = "app_gatehousedemoapplication";
export const DEMO_APP_NAME = "Demo app";

export function demoAppUrls(appUrl: string) {
  const base = `${appUrl.replace(/\/+$/, "")}/dev/app`;
  return { home: base, login: `${base}/login`, callback: `${base}/callback`, logout: `${base}/logout` };
}

/** Register (or re-point after an APP_URL change) the demo application; never outside development. */
export async function ensureDemoApplication(db: Db, appUrl: string): Promise<void> {
  if (!devIdpEnabled()) return;
  const urls = demoAppUrls(appUrl);
  const values = {
    name: DEMO_APP_NAME,
    redirectUris: [urls.callback],
    postLogoutRedirectUris: [urls.home],
    initiateLoginUri: urls.login,
  };
  const [existing] = await db.select().from(applications).where(eq(applications.clientId, DEMO_APP_CLIENT_ID));
  if (existing) {
    if (existing.redirectUris[0] !== urls.callback) {
      await db
        .update(applications)
        .set({ ...values, updatedAt: new Date() })
        .where(eq(applications.id, existing.id));
    }
    return;
  }
  await db
    .insert(applications)
    .values({ clientId: DEMO_APP_CLIENT_ID, clientSecretEncrypted: sealSecret(randomBytes(32).toString("base64url")), ...values })
    .onConflictDoNothing();
}

type Global = typeof globalThis & { __gatehouseDemoRp?: { key: string; config: client.Configuration } };

async function demoConfig(db: Db, appUrl: string): Promise<client.Configuration> {
  if (!devIdpEnabled()) throw new AppError("NOT_FOUND");
  const [app] = await db.select().from(applications).where(eq(applications.clientId, DEMO_APP_CLIENT_ID));
  if (!app) throw new AppError("NOT_FOUND", { message: "The demo application is not registered." });
  const secret = openSecret(app.clientSecretEncrypted);
  const key = `${appUrl}|${app.clientSecretEncrypted}`;
  const g = globalThis as Global;
  if (g.__gatehouseDemoRp?.key === key) return g.__gatehouseDemoRp.config;
  const issuer = new URL(`${appUrl.replace(/\/+$/, "")}${OIDC_MOUNT_PATH}`);
  const config = await client.discovery(
    issuer,
    DEMO_APP_CLIENT_ID,
    secret,
    undefined,
    issuer.protocol === "http:" ? { execute: [client.allowInsecureRequests] } : undefined,
  );
  // Verify the ID token's signature against the JWKS too (not only TLS): the page shows "verified" claims.
  client.enableNonRepudiationChecks(config);
  g.__gatehouseDemoRp = { key, config };
  return config;
}

export type DemoTransaction = { verifier: string; state: string; nonce: string };

/**
 * Start a sign-in: the authorization URL (PKCE S256, state, nonce) and the sealed transaction to keep
 * in a cookie until the callback. `hint` carries an IdP-initiated landing's login_hint (after its
 * `iss` was checked) or the demo's default: straight through the demo workspace's built-in IdP.
 */
export async function startDemoSignIn(
  db: Db,
  appUrl: string,
  o: { iss?: string | null; loginHint?: string | null; connection?: string | null } = {},
): Promise<{ url: string; transaction: string }> {
  const config = await demoConfig(db, appUrl);
  if (o.iss && o.iss !== config.serverMetadata().issuer) throw new AppError("BAD_REQUEST", { message: "Unknown issuer." });
  const tx: DemoTransaction = { verifier: client.randomPKCECodeVerifier(), state: client.randomState(), nonce: client.randomNonce() };
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: demoAppUrls(appUrl).callback,
    scope: "openid email profile organization groups",
    code_challenge: await client.calculatePKCECodeChallenge(tx.verifier),
    code_challenge_method: "S256",
    state: tx.state,
    nonce: tx.nonce,
    ...(o.loginHint ? { login_hint: o.loginHint } : {}),
    ...(o.connection ? { connection: o.connection } : {}),
  });
  return { url: url.toString(), transaction: sealSecret(JSON.stringify(tx)) };
}

export type DemoSession = { claims: Record<string, unknown>; idToken: string };

/** The callback: exchange the code (PKCE, state, nonce checked) and return the sealed session. */
export async function finishDemoSignIn(db: Db, appUrl: string, callbackUrl: string, sealedTransaction: string | null): Promise<string> {
  const config = await demoConfig(db, appUrl);
  let tx: DemoTransaction;
  try {
    tx = JSON.parse(openSecret(sealedTransaction ?? "")) as DemoTransaction;
  } catch {
    throw new AppError("BAD_REQUEST", { message: "The sign-in started in another browser or expired.", hint: "Sign in again." });
  }
  const tokens = await client.authorizationCodeGrant(config, new URL(callbackUrl), {
    pkceCodeVerifier: tx.verifier,
    expectedState: tx.state,
    expectedNonce: tx.nonce,
  });
  const session: DemoSession = { claims: { ...tokens.claims() }, idToken: tokens.id_token! };
  return sealSecret(JSON.stringify(session));
}

export function readDemoSession(sealed: string | null | undefined): DemoSession | null {
  if (!sealed) return null;
  try {
    return JSON.parse(openSecret(sealed)) as DemoSession;
  } catch {
    return null;
  }
}

/** RP-initiated logout: Gatehouse ends its session and comes back to the demo's home. */
export async function demoLogoutUrl(db: Db, appUrl: string, session: DemoSession | null): Promise<string> {
  const config = await demoConfig(db, appUrl);
  return client
    .buildEndSessionUrl(config, {
      post_logout_redirect_uri: demoAppUrls(appUrl).home,
      ...(session ? { id_token_hint: session.idToken } : { client_id: DEMO_APP_CLIENT_ID }),
    })
    .toString();
}
