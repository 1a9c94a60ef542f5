// GET /dev/app/login[?iss&login_hint&target_link_uri][&via=email] — the demo application starts a code flow at Gatehouse
// (also its initiate_login_uri: an IdP-initiated sign-in lands here with iss and login_hint).
import { NextResponse } from "next/server";
import { env } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { DEMO_CONNECTION } from "@/lib/services/demo-seed";
import { startDemoSignIn } from "@/lib/services/demo-app";
import { getReadyDb } from "@/server/bootstrap";
import { DEMO_TX_COOKIE, demoCookieOptions } from "../cookies";

export const dynamic = "force-dynamic";

export async function GET(req: Request) {
  const q = new URL(req.url).searchParams;
  try {
    const start = await startDemoSignIn(await getReadyDb(), env().appUrl, {
      iss: q.get("iss"),
      loginHint: q.get("login_hint"),
      // The newcomer's one-click path goes straight through the demo workspace's built-in IdP.
      connection: q.get("via") === "email" || q.get("login_hint") ? null : DEMO_CONNECTION.slug,
    });
    const res = NextResponse.redirect(start.url, 303);
    res.cookies.set(DEMO_TX_COOKIE, start.transaction, demoCookieOptions(600));
    return res;
  } catch (e) {
    return NextResponse.redirect(new URL(`/dev/app?error=${isAppError(e) ? e.code : "INTERNAL"}`, env().appUrl), 303);
  }
}
