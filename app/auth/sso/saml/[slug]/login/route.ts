// GET /auth/sso/saml/{slug}/login?return_to=/path[&test=1] — SP-initiated sign-in: store the request, send it to the IdP.
import { getSessionUser } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { AppError, isAppError } from "@/lib/errors";
import { getReadyDb } from "@/server/bootstrap";
import { logger } from "@/lib/logger";
import { autoPostResponse, samlErrorResponse } from "@/lib/http/saml-pages";
import { startSamlLogin } from "@/lib/services/saml-login";

export const dynamic = "force-dynamic";

export async function GET(req: Request, ctx: { params: Promise<{ slug: string }> }) {
  const { slug } = await ctx.params;
  const query = new URL(req.url).searchParams;
  const test = query.get("test") === "1";
  try {
    const user = test ? await getSessionUser() : null;
    const start = await startSamlLogin(await getReadyDb(), {
      slug,
      returnTo: query.get("return_to"),
      test,
      userId: user?.id ?? null,
      appUrl: env().appUrl,
    });
    if (start.binding === "post") return autoPostResponse(start.action, start.fields);
    return new Response(null, {
      status: 302,
      headers: { Location: start.url, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" },
    });
  } catch (e) {
    if (isAppError(e)) return samlErrorResponse(e);
    logger.error("SAML login start failed", { err: e });
    return samlErrorResponse(new AppError("INTERNAL"));
  }
}
