// GET /dev/app/callback?code&state&iss — the demo application's redirect URI: exchange the code, keep the verified claims.
import { cookies } from "next/headers";
import { NextResponse } from "next/server";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { finishDemoSignIn } from "@/lib/services/demo-app";
import { getReadyDb } from "@/server/bootstrap";
import { DEMO_SESSION_COOKIE, DEMO_TX_COOKIE, demoCookieOptions } from "../cookies";

export const dynamic = "force-dynamic";

export async function GET(req: Request) {
  const url = new URL(req.url);
  const home = new URL("/dev/app", env().appUrl);
  const error = url.searchParams.get("error");
  if (error) {
    home.searchParams.set("error", error.slice(0, 64));
    return NextResponse.redirect(home, 303);
  }
  // Behind a proxy Next may see another host: the code was sent to APP_URL's callback.
  const callback = new URL(`${url.pathname}${url.search}`, env().appUrl).toString();
  try {
    const session = await finishDemoSignIn(
      await getReadyDb(),
      env().appUrl,
      callback,
      (await cookies()).get(DEMO_TX_COOKIE)?.value ?? null,
    );
    const res = NextResponse.redirect(home, 303);
    res.cookies.set(DEMO_SESSION_COOKIE, session, demoCookieOptions(8 * 3600));
    res.cookies.set(DEMO_TX_COOKIE, "", demoCookieOptions(0));
    return res;
  } catch (e) {
    logger.warn("demo app sign-in failed", { err: e });
    home.searchParams.set("error", "sign_in_failed");
    return NextResponse.redirect(home, 303);
  }
}
