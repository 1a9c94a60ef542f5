import { hkdfSync } from "node:crypto";
import { decode } from "next-auth/jwt";
import type Provider from "oidc-provider";
import type { AdapterPayload, KoaContextWithOIDC } from "oidc-provider";
import type { Db } from "@/db";
import { SESSION_MAX_AGE_SECONDS, sessionCookieName } from "@/lib/auth/session-cookie";
import { readCookie, readGatehouseSession } from "@/lib/auth/session-reader";
import { endSessionAtSignOut } from "@/lib/auth/session-token";
import { createDrizzleAdapter } from "@/lib/oidc/adapter";
import { buildClaims } from "@/lib/oidc/claims";
import { createOidcProvider, OIDC_MOUNT_PATH } from "@/lib/oidc/provider";
import { findApplicationByClientId, toClientMetadata } from "@/lib/services/applications";
import { loadAccountFacts } from "@/lib/services/oidc-accounts";
import { grantFitsRequest, readAuthorizationAsk } from "@/lib/services/oidc-authorization";
import { queueLogoutDelivery } from "@/lib/services/oidc-backchannel";
import { findGrantContext } from "@/lib/services/oidc-grants";
import { ensureActiveOidcKey, loadPublishedKeys, publishedKeysVersion } from "@/lib/services/oidc-keys";

/**
 * One provider per (database, APP_URL, published signing keys). The key set is checked on every
 * request (one small query), so a rotation made by the CLI or another instance takes effect at the
 * next request without a restart; sessions, grants and tokens live in the database, so a rebuilt
 * provider continues where the previous one stopped.
 */
export type OidcSettings = { appUrl: string; authSecret: string; secureCookies: boolean };

type Built = { provider: Provider; version: string };
const cache = new WeakMap<Db, Map<string, Built>>();

export function issuerFor(appUrl: string): string {
  return `${appUrl.replace(/\/+$/, "")}${OIDC_MOUNT_PATH}`;
}

/** Cookie signing key for the provider's own cookies, derived from AUTH_SECRET (never AUTH_SECRET itself). */
function cookieKeys(authSecret: string): string[] {
  return [Buffer.from(hkdfSync("sha256", authSecret, "gatehouse", "oidc-provider cookies", 32)).toString("base64url")];
}

type TokenLike = { grantId?: string; sid?: string; sessionUid?: string; clientId?: string } | undefined;

export async function getOidcProvider(db: Db, settings: OidcSettings): Promise<Provider> {
  let version = await publishedKeysVersion(db);
  if (!version.startsWith("active:")) {
    await ensureActiveOidcKey(db);
    version = await publishedKeysVersion(db);
  }
  let perDb = cache.get(db);
  if (!perDb) cache.set(db, (perDb = new Map()));
  const cacheKey = `${settings.appUrl}|${settings.secureCookies}`;
  const hit = perDb.get(cacheKey);
  if (hit && hit.version === version) return hit.provider;
  const keys = await loadPublishedKeys(db);
  const provider = buildProvider(db, settings, keys.jwks);
  perDb.set(cacheKey, { provider, version: keys.version });
  return provider;
}

function buildProvider(db: Db, settings: OidcSettings, jwks: { keys: Record<string, unknown>[] }): Provider {
  const getDb = async () => db;
  const adapter = createDrizzleAdapter({
    getDb,
    findClient: async (clientId) => {
      const app = await findApplicationByClientId(db, clientId);
      return app ? (toClientMetadata(app) as AdapterPayload) : undefined;
    },
  });

  async function sidOf(ctx: KoaContextWithOIDC | undefined, token: TokenLike): Promise<string | null> {
    if (token?.sid) return token.sid;
    if (!ctx || !token?.sessionUid || !token.clientId) return null;
    const session = await ctx.oidc.provider.Session.findByUid(token.sessionUid);
    return session?.authorizations?.[token.clientId]?.sid ?? null;
  }

  const provider = createOidcProvider({
    issuer: issuerFor(settings.appUrl),
    adapter,
    jwks,
    cookieKeys: cookieKeys(settings.authSecret),
    secureCookies: settings.secureCookies,
    sessionTtlSeconds: SESSION_MAX_AGE_SECONDS,

    async findAccount(ctx, sub, token) {
      const t = token as TokenLike;
      const facts = await loadAccountFacts(db, sub, t?.grantId ?? null);
      if (!facts) return undefined;
      return {
        accountId: sub,
        claims: async () => ({ sub, ...buildClaims(facts, { sid: await sidOf(ctx, t) }) }),
      };
    },

    async loadExistingGrant(ctx) {
      const { Grant } = ctx.oidc.provider;
      const fromInteraction = ctx.oidc.result?.consent?.grantId;
      if (fromInteraction) return Grant.find(fromInteraction);
      const session = ctx.oidc.session;
      const grantId = session?.grantIdFor(ctx.oidc.client!.clientId);
      if (!session || !grantId) return undefined;
      const [grant, context] = await Promise.all([Grant.find(grantId), findGrantContext(db, grantId)]);
      if (!grant || !context || context.userId !== session.accountId) return undefined;
      const ask = readAuthorizationAsk(ctx.oidc.params as Record<string, unknown>);
      return (await grantFitsRequest(db, context, ask, ctx.ip || null)) ? grant : undefined;
    },

    async sessionOutOfSync(ctx) {
      const accountId = ctx.oidc.session?.accountId;
      const loginTs = (ctx.oidc.session as { loginTs?: number } | undefined)?.loginTs;
      if (!accountId) return false; // "no_session" asks for the login step already
      const signIn = await readGatehouseSession(db, ctx.get("cookie"));
      return !signIn || signIn.user.id !== accountId || signIn.authTime !== loginTs;
    },

    queueBackchannelLogout: (clientId, sub, sid) => queueLogoutDelivery(db, { clientId, subject: sub, sid, reason: "rp_logout" }),

    async onLogout(ctx) {
      if (!(ctx.oidc.params as { logout?: string }).logout) return;
      // The same sign-out as Gatehouse's own: the session ends for good (a copied cookie is refused
      // afterwards), and with it every application's grants (endAccess, back-channel logout).
      const raw = readCookie(ctx.get("cookie"), sessionCookieName());
      const claims = raw ? await decode({ token: raw, secret: settings.authSecret }).catch(() => null) : null;
      // Only the person this provider session belonged to: when someone else signed in to Gatehouse in
      // this browser since, the provider ends its stale session on its own, and theirs must stay.
      if (!claims || claims.uid !== ctx.oidc.session?.accountId) return;
      await endSessionAtSignOut(db, claims);
      ctx.cookies.set(sessionCookieName(), null, {
        path: "/",
        httpOnly: true,
        sameSite: "lax",
        secure: settings.secureCookies,
        signed: false,
        overwrite: true,
      });
    },
  });
  return provider;
}

/**
 * A logout token (typ logout+jwt, signed with the provider's active key) built by the provider's own
 * IdToken, as its back-channel logout would: iss, aud, iat, exp (2 minutes), jti, sub, events, and
 * sid when known. Null when the application no longer exists.
 */
export async function signLogoutToken(provider: Provider, clientId: string, sub: string, sid: string | null): Promise<string | null> {
  const client = await provider.Client.find(clientId);
  if (!client) return null;
  const token = new provider.IdToken({ sub }, { client, ctx: undefined } as never);
  (token as unknown as { mask: Record<string, null> }).mask = { sub: null };
  token.set("events", { "http://schemas.openid.net/event/backchannel-logout": {} });
  token.set("jti", globalThis.crypto.randomUUID());
  if (sid) token.set("sid", sid);
  return token.issue({ use: "logout" });
}

/** The provider's settings from the environment (APP_URL, AUTH_SECRET, https cookies). */
export function oidcSettingsFromEnv(e: { appUrl: string; authSecret: string; secureCookies: boolean }): OidcSettings {
  return { appUrl: e.appUrl, authSecret: e.authSecret, secureCookies: e.secureCookies };
}
