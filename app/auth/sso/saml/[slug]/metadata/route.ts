// GET /auth/sso/saml/{slug}/metadata — the SP metadata for this connection, as a download.
import { env } from "@/lib/env";
import { AppError, isAppError } from "@/lib/errors";
import { getReadyDb } from "@/server/bootstrap";
import { logger } from "@/lib/logger";
import { samlErrorResponse } from "@/lib/http/saml-pages";
import { getSpMetadata } from "@/lib/services/sp-metadata";

export const dynamic = "force-dynamic";

export async function GET(_req: Request, ctx: { params: Promise<{ slug: string }> }) {
  const { slug } = await ctx.params;
  try {
    const { xml, filename } = await getSpMetadata(await getReadyDb(), slug, env().appUrl);
    return new Response(xml, {
      headers: {
        "Content-Type": "application/samlmetadata+xml; charset=utf-8",
        "Content-Disposition": `attachment; filename="${filename}"`,
        "Cache-Control": "no-cache",
        "X-Content-Type-Options": "nosniff",
      },
    });
  } catch (e) {
    if (isAppError(e)) return samlErrorResponse(e);
    logger.error("SP metadata failed", { err: e });
    return samlErrorResponse(new AppError("INTERNAL"));
  }
}
