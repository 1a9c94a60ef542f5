import type { Db } from "@/db";
import { env } from "@/lib/env";
import { outboundFetch, OutboundFetchError, type OutboundPolicy } from "@/lib/http/outbound-fetch";
import { deliverBackchannelLogouts, PermanentDeliveryError } from "@/lib/services/oidc-backchannel";
import { getOidcProvider, oidcSettingsFromEnv, signLogoutToken } from "./provider";

/** The outbound policy of back-channel logout deliveries: the same as every configured URL (ALLOW_PRIVATE_OUTBOUND_URLS). */
export function backchannelPolicy(): OutboundPolicy {
  const e = env();
  return { allowPrivate: e.allowPrivateOutboundUrls, allowHttpLoopback: !e.isProduction, timeoutMs: 5000, maxBytes: 64 * 1024 };
}

/** A URL the policy refuses will be refused on every retry: give up at once. */
const PERMANENT = new Set(["invalid_url", "credentials_in_url", "scheme_not_allowed", "address_not_allowed"]);

/** POST the logout token through the SSRF-checked outbound fetch (no redirects followed for POST). */
export async function postBackchannelLogout(url: string, form: Record<string, string>, policy = backchannelPolicy()): Promise<number> {
  try {
    const res = await outboundFetch(url, policy, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "user-agent": "Gatehouse-Backchannel-Logout/1" },
      body: new URLSearchParams(form).toString(),
    });
    return res.status;
  } catch (e) {
    if (e instanceof OutboundFetchError && PERMANENT.has(e.reason)) throw new PermanentDeliveryError(`${e.reason}: ${e.message}`);
    throw e;
  }
}

/** The `oidc.backchannel-logout` job: due deliveries, signed by the provider's active key. */
export async function runBackchannelLogouts(db: Db, now: Date) {
  const provider = await getOidcProvider(db, oidcSettingsFromEnv(env()));
  return deliverBackchannelLogouts(db, now, {
    signLogoutToken: (clientId, sub, sid) => signLogoutToken(provider, clientId, sub, sid),
    post: (url, form) => postBackchannelLogout(url, form),
  });
}
