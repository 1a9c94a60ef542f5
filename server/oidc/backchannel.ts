import type { Db } from "@/db";
import { env } from "@/lib/env";
import { deliverBackchannelLogouts } from "@/lib/services/oidc-backchannel";
import { getOidcProvider, oidcSettingsFromEnv, signLogoutToken } from "./provider";

/** POST a form, without following redirects, within 5 seconds. */
export async function postBackchannelLogout(url: string, form: Record<string, string>): Promise<number> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "user-agent": "Gatehouse-Backchannel-Logout/1" },
    body: new URLSearchParams(form).toString(),
    redirect: "manual",
    signal: AbortSignal.timeout(5000),
  });
  await res.body?.cancel().catch(() => {});
  return res.status;
}

/** The `oidc.backchannel-logout` job: due deliveries, signed by the provider's active key. */
export async function runBackchannelLogouts(db: Db, now: Date) {
  const provider = await getOidcProvider(db, oidcSettingsFromEnv(env()));
  return deliverBackchannelLogouts(db, now, {
    signLogoutToken: (clientId, sub, sid) => signLogoutToken(provider, clientId, sub, sid),
    post: postBackchannelLogout,
  });
}
