// POST /auth/sso/saml/{slug}/acs — the IdP's HTTP-POST of a SAMLResponse: validate, provision, hand off by login ticket.
import { env } from "@/lib/env";
import { AppError, isAppError } from "@/lib/errors";
import { getReadyDb } from "@/server/bootstrap";
import { clientIp } from "@/lib/http/client-ip";
import { logger } from "@/lib/logger";
import { readSamlPostForm } from "@/lib/http/read-form";
import { samlErrorResponse } from "@/lib/http/saml-pages";
import { consumeSamlResponse, recordAcsRejection } from "@/lib/services/saml-acs";

export const dynamic = "force-dynamic";

export async function POST(req: Request, ctx: { params: Promise<{ slug: string }> }) {
  const { slug } = await ctx.params;
  const ip = clientIp(req.headers);
  const db = await getReadyDb();
  let form: Awaited<ReturnType<typeof readSamlPostForm>>;
  try {
    form = await readSamlPostForm(req);
  } catch (e) {
    const error = isAppError(e) ? e : new AppError("SAML_MALFORMED");
    const eventId = await recordAcsRejection(db, { slug, error, ip });
    return samlErrorResponse(error, { eventId });
  }
  try {
    const result = await consumeSamlResponse(db, {
      slug,
      samlResponse: form.samlResponse,
      relayState: form.relayState,
      ip,
      appUrl: env().appUrl,
    });
    if (result.ok || result.location) {
      const location = result.ok ? result.location : result.location!;
      return new Response(null, {
        status: 303,
        headers: { Location: location, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" },
      });
    }
    const retry = ["SAML_NOT_FOUND", "SAML_INACTIVE", "SAML_NOT_CONFIGURED"].includes(result.error.code)
      ? null
      : `/auth/sso/saml/${encodeURIComponent(slug)}/login`;
    return samlErrorResponse(result.error, { eventId: result.eventId, retryUrl: retry });
  } catch (e) {
    logger.error("ACS failed", { err: e, slug });
    return samlErrorResponse(new AppError("INTERNAL"));
  }
}

/** A browser that lands here by GET (bookmark, back button) gets a readable page, not a bare 405. */
export async function GET() {
  return samlErrorResponse(
    new AppError("SAML_MALFORMED", {
      hint: "The ACS URL only accepts the identity provider's HTTP-POST. Start the sign-in again from the login page.",
    }),
  );
}
