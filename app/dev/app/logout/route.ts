// GET /dev/app/logout — forget the demo session and sign out at Gatehouse (RP-initiated logout), back to /dev/app.
import { cookies } from "next/headers";
import { NextResponse } from "next/server";
import { env } from "@/lib/env";
import { demoLogoutUrl, readDemoSession } from "@/lib/services/demo-app";
import { getReadyDb } from "@/server/bootstrap";
import { DEMO_SESSION_COOKIE, demoCookieOptions } from "../cookies";

export const dynamic = "force-dynamic";

export async function GET() {
  const session = readDemoSession((await cookies()).get(DEMO_SESSION_COOKIE)?.value);
  const res = NextResponse.redirect(await demoLogoutUrl(await getReadyDb(), env().appUrl, session), 303);
  res.cookies.set(DEMO_SESSION_COOKIE, "", demoCookieOptions(0));
  return res;
}
