import { env } from "@/lib/env";

/** The demo application's own cookies (it is a separate relying party that happens to live under /dev/app). */
export const DEMO_TX_COOKIE = "gh_demo_app_tx";
export const DEMO_SESSION_COOKIE = "gh_demo_app_session";

export function demoCookieOptions(maxAge: number) {
  return { httpOnly: true, sameSite: "lax" as const, path: "/dev/app", secure: env().secureCookies, maxAge };
}
