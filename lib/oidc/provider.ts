import Provider, { interactionPolicy, type Configuration, type FindAccount, type Grant, type KoaContextWithOIDC } from "oidc-provider";
import { loggedOutPage, logoutConfirmPage, oidcErrorPage, type RenderedPage } from "@/lib/http/oidc-pages";
import { SCOPE_CLAIMS, SUPPORTED_SCOPES } from "./claims";
import { interactionPath, OIDC_MOUNT_PATH } from "./paths";

/**
 * Gatehouse's OpenID Connect provider: panva's oidc-provider configured for Gatehouse. Everything
 * stateful (storage, accounts, the login step, key material) is passed in, so this file holds only
 * the protocol policy:
 * - authorization code flow only, PKCE S256 required for every client, exact redirect URIs;
 * - confidential clients (client_secret_basic / client_secret_post), no dynamic registration;
 * - refresh tokens rotated on every use; reuse of a rotated one revokes the whole grant;
 * - introspection answers only for the token's own client; revocation; userinfo;
 * - RP-initiated and back-channel logout (deliveries queued by Gatehouse, not sent inline);
 * - the claims of every granted scope in the ID token as well as at userinfo (next-auth reads the ID token).
 */
export { OIDC_MOUNT_PATH };
export const EXTRA_AUTHORIZATION_PARAMS = ["organization", "connection", "domain_hint"] as const;

export const OIDC_TTL = {
  AccessToken: 60 * 60,
  AuthorizationCode: 60,
  IdToken: 60 * 60,
  Interaction: 60 * 60,
  RefreshToken: 14 * 24 * 60 * 60,
  Grant: 30 * 24 * 60 * 60,
} as const;

export type ProviderDeps = {
  /** `${APP_URL}/oidc` */
  issuer: string;
  adapter: NonNullable<Configuration["adapter"]>;
  /** Private JWKs, the signing key first. */
  jwks: { keys: Record<string, unknown>[] };
  /** Cookie signing keys (derived from AUTH_SECRET). */
  cookieKeys: string[];
  secureCookies: boolean;
  /** Lifetime of a sign-in session at the provider (the Gatehouse session's). */
  sessionTtlSeconds: number;
  findAccount: FindAccount;
  /** An earlier grant of the client in this browser's session that fits this request, else undefined (→ the login step). */
  loadExistingGrant: (ctx: KoaContextWithOIDC) => Promise<Grant | undefined>;
  /** True when the provider's session no longer matches the person's Gatehouse session (ended, other person, newer sign-in). */
  sessionOutOfSync: (ctx: KoaContextWithOIDC) => Promise<boolean>;
  /** Back-channel logout: queue a delivery (the scheduler signs and sends it with retries). */
  queueBackchannelLogout: (clientId: string, sub: string, sid: string | null) => Promise<void>;
  /**
   * RP-initiated logout concluded: end the Gatehouse session too. Awaited before the response leaves
   * (the provider emits the event synchronously; the work runs when its middleware chain returns).
   */
  onLogout: (ctx: KoaContextWithOIDC) => Promise<void>;
};

function render(ctx: KoaContextWithOIDC, page: RenderedPage, status?: number) {
  ctx.type = "html";
  ctx.set("Content-Security-Policy", page.csp);
  ctx.set("Cache-Control", "no-store");
  if (status) ctx.status = status;
  ctx.body = page.html;
}

function originOf(url: unknown): string | null {
  try {
    return typeof url === "string" ? new URL(url).origin : null;
  } catch {
    return null;
  }
}

export function createOidcProvider(deps: ProviderDeps): Provider {
  const policy = interactionPolicy.base();
  policy
    .get("login")!
    .checks.add(
      new interactionPolicy.Check("gatehouse_session", "the Gatehouse session ended or changed", "login_required", (ctx) =>
        deps.sessionOutOfSync(ctx),
      ),
    );

  const cookie = { signed: true, httpOnly: true, sameSite: "lax" as const, secure: deps.secureCookies };
  const configuration: Configuration = {
    adapter: deps.adapter,
    jwks: deps.jwks as Configuration["jwks"],
    findAccount: deps.findAccount,
    loadExistingGrant: deps.loadExistingGrant,
    clients: [],
    clientAuthMethods: ["client_secret_basic", "client_secret_post"],
    responseTypes: ["code"],
    pkce: { methods: ["S256"], required: () => true },
    allowOmittingSingleRegisteredRedirectUri: false,
    scopes: [...SUPPORTED_SCOPES],
    claims: { acr: null, iss: null, ...Object.fromEntries(Object.entries(SCOPE_CLAIMS).map(([k, v]) => [k, [...v]])) },
    conformIdTokenClaims: false,
    subjectTypes: ["public"],
    extraParams: [...EXTRA_AUTHORIZATION_PARAMS],
    enabledJWA: { idTokenSigningAlgValues: ["RS256"] },
    rotateRefreshToken: true,
    // Every application may refresh. Without offline_access (which OIDC grants only with prompt=consent)
    // the refresh token ends with the sign-in session; with it, it survives sign-out. Deprovisioning ends both.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed("refresh_token"),
    ttl: { ...OIDC_TTL, Session: deps.sessionTtlSeconds },
    cookies: {
      names: { session: "gh_op_session", interaction: "gh_op_interaction", resume: "gh_op_resume" },
      long: cookie,
      short: cookie,
      keys: deps.cookieKeys,
    },
    interactions: {
      policy,
      url: (_ctx, interaction) => interactionPath(interaction.uid),
    },
    clientBasedCORS: (_ctx, origin, client) => client.redirectUris?.some((u) => originOf(u) === origin) ?? false,
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: false },
      claimsParameter: { enabled: false },
      resourceIndicators: { enabled: false },
      userinfo: { enabled: true },
      revocation: { enabled: true },
      introspection: {
        enabled: true,
        // Only the client a token was issued to learns anything about it.
        allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId,
      },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          const hint = ctx.oidc.entities.IdTokenHint as { payload?: { sub?: string } } | undefined;
          const sessionAccount = ctx.oidc.session?.accountId;
          const state = ctx.oidc.session?.state as { postLogoutRedirectUri?: string } | undefined;
          render(
            ctx,
            logoutConfirmPage({
              formHtml: form,
              clientName: ctx.oidc.client?.clientName ?? null,
              autoSubmit: !!sessionAccount && hint?.payload?.sub === sessionAccount,
              redirectOrigin: originOf(state?.postLogoutRedirectUri),
            }),
          );
        },
        async postLogoutSuccessSource(ctx) {
          render(ctx, loggedOutPage(ctx.oidc.client?.clientName ?? null));
        },
      },
    },
    async renderError(ctx, out) {
      render(ctx, oidcErrorPage(out as { error?: unknown; error_description?: unknown }));
    },
  };

  const provider = new Provider(deps.issuer, configuration);
  // The mount pins Host and X-Forwarded-Proto from APP_URL before the provider sees a request.
  provider.proxy = true;

  // Deliveries go through Gatehouse's outbox (retries, outbound URL policy), never inline from a request.
  Object.defineProperty(provider.Client.prototype, "backchannelLogout", {
    configurable: true,
    writable: true,
    value: async function backchannelLogout(this: { clientId: string }, sub: string, sid: string) {
      await deps.queueBackchannelLogout(this.clientId, sub, sid ?? null);
    },
  });
  provider.on("end_session.success", (ctx: KoaContextWithOIDC) => {
    ctx.state.gatehouseLogout = deps.onLogout(ctx);
  });

  provider.use(async (ctx, next) => {
    ctx.set("X-Content-Type-Options", "nosniff");
    ctx.set("X-Frame-Options", "DENY");
    ctx.set("Referrer-Policy", "no-referrer");
    ctx.set("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    ctx.set("Cross-Origin-Opener-Policy", "same-origin");
    // Pages the provider renders itself (the form_post response) add their script's hash to script-src.
    ctx.set("Content-Security-Policy", "default-src 'none'; script-src 'self'; base-uri 'none'; frame-ancestors 'none'");
    if (deps.secureCookies) ctx.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    await next();
    if (ctx.state.gatehouseLogout) await ctx.state.gatehouseLogout;
  });
  return provider;
}
