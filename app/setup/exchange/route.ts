// POST /setup/exchange — the setup page's script sends the URL fragment's token once; the answer sets it as an HttpOnly cookie.
import { describeError } from "@/lib/errors";
import { env } from "@/lib/env";
import { clientIp } from "@/lib/http/client-ip";
import { SETUP_COOKIE_MAX_AGE_SECONDS, setupLinkCookieHeader } from "@/lib/http/setup-link-cookie";
import { recordSetupLinkOpened, resolveSetupLinkToken } from "@/lib/services/setup-links";
import { getReadyDb } from "@/server/bootstrap";

export const dynamic = "force-dynamic";

const headers = { "Content-Type": "application/json", "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" };

export async function POST(req: Request) {
  // Only our own page may exchange (a cross-site form cannot plant another link in this browser).
  const origin = req.headers.get("origin");
  if (origin !== new URL(env().appUrl).origin) return invalid();
  const body = (await req.json().catch(() => null)) as { token?: unknown } | null;
  const token = typeof body?.token === "string" ? body.token : null;
  const db = await getReadyDb();
  const now = new Date();
  const r = await resolveSetupLinkToken(db, token, now);
  if (!r) return invalid();
  await recordSetupLinkOpened(db, r, clientIp(req.headers), now);
  const maxAge = Math.min(SETUP_COOKIE_MAX_AGE_SECONDS, (r.link.expiresAt.getTime() - now.getTime()) / 1000);
  return new Response(JSON.stringify({ ok: true }), {
    status: 200,
    headers: { ...headers, "Set-Cookie": setupLinkCookieHeader(token!, maxAge) },
  });
}

/** Unknown, expired and revoked answer alike (no oracle), and any cookie of an earlier link is cleared. */
function invalid(): Response {
  const d = describeError("SETUP_LINK_INVALID");
  return new Response(JSON.stringify({ error: { code: "SETUP_LINK_INVALID", message: d.message, hint: d.hint } }), {
    status: 404,
    headers: { ...headers, "Set-Cookie": setupLinkCookieHeader("", 0) },
  });
}
