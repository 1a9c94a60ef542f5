// GET /auth/sso/complete?ticket=… — redeem the single-use login ticket (same-site) and start the session.
import { NextResponse } from "next/server";
import { mintSessionCookie } from "@/lib/auth/session-cookie";
import { env } from "@/lib/env";
import { AppError, isAppError } from "@/lib/errors";
import { getReadyDb } from "@/server/bootstrap";
import { logger } from "@/lib/logger";
import { samlErrorResponse } from "@/lib/http/saml-pages";
import { safeRelativePath } from "@/lib/schemas/connections";
import { redeemLoginTicket } from "@/lib/services/login-tickets";

export const dynamic = "force-dynamic";

export async function GET(req: Request) {
  const ticket = new URL(req.url).searchParams.get("ticket") ?? "";
  try {
    const { user, returnTo, connectionId } = await redeemLoginTicket(await getReadyDb(), ticket);
    const cookie = await mintSessionCookie(user, { connectionId });
    const res = NextResponse.redirect(new URL(safeRelativePath(returnTo) ?? "/", env().appUrl), 303);
    res.cookies.set(cookie.name, cookie.value, cookie.options);
    res.headers.set("Cache-Control", "no-store");
    res.headers.set("Referrer-Policy", "no-referrer");
    return res;
  } catch (e) {
    if (isAppError(e)) return samlErrorResponse(e);
    logger.error("login ticket redemption failed", { err: e });
    return samlErrorResponse(new AppError("INTERNAL"));
  }
}
