// GET+POST /auth/sso/saml/{slug}/slo — SAML single logout: the IdP's LogoutRequest (answered with a signed LogoutResponse) or its LogoutResponse to our sign-out.
import { AppError, isAppError } from "@/lib/errors";
import { getReadyDb } from "@/server/bootstrap";
import { clientIp } from "@/lib/http/client-ip";
import { logger } from "@/lib/logger";
import { readFormBody } from "@/lib/http/read-form";
import { logoutMessageResponse, seeOther } from "@/lib/http/logout-responses";
import { samlErrorResponse } from "@/lib/http/saml-pages";
import { handleSloMessage, type SloOutcome } from "@/lib/services/saml-slo";
import type { IncomingLogout } from "@/lib/saml/logout-validate";
import { assertSsoRateLimit } from "@/lib/services/sso-rate-limits";

export const dynamic = "force-dynamic";

function toResponse(o: SloOutcome): Response {
  if (o.kind === "message") return logoutMessageResponse(o.message);
  if (o.kind === "signed_out") return seeOther(o.location);
  return samlErrorResponse(o.error);
}

async function handle(req: Request, slug: string, read: () => Promise<IncomingLogout>): Promise<Response> {
  const ip = clientIp(req.headers);
  try {
    const db = await getReadyDb();
    await assertSsoRateLimit(db, { endpoint: "slo", slug, ip });
    let incoming: IncomingLogout;
    try {
      incoming = await read();
    } catch (e) {
      const code = isAppError(e) && e.code === "SAML_BODY_TOO_LARGE" ? "SAML_SLO_TOO_LARGE" : "SAML_SLO_MALFORMED";
      return samlErrorResponse(new AppError(code));
    }
    return toResponse(await handleSloMessage(db, { slug, incoming, ip }));
  } catch (e) {
    if (isAppError(e)) return samlErrorResponse(e);
    logger.error("single logout failed", { err: e, slug });
    return samlErrorResponse(new AppError("INTERNAL"));
  }
}

export async function GET(req: Request, ctx: { params: Promise<{ slug: string }> }) {
  const { slug } = await ctx.params;
  return handle(req, slug, async () => ({ binding: "redirect", rawQuery: new URL(req.url).search.slice(1) }));
}

export async function POST(req: Request, ctx: { params: Promise<{ slug: string }> }) {
  const { slug } = await ctx.params;
  return handle(req, slug, async () => {
    const form = await readFormBody(req);
    return {
      binding: "post",
      samlRequest: form.get("SAMLRequest"),
      samlResponse: form.get("SAMLResponse"),
      relayState: form.get("RelayState"),
    };
  });
}
