// POST /dev/idp/logout — IdP-initiated single logout from the built-in IdP: a signed LogoutRequest for the person, to the connection's SLO URL.
import { AppError, isAppError } from "@/lib/errors";
import { getReadyDb } from "@/server/bootstrap";
import { readFormBody } from "@/lib/http/read-form";
import { samlErrorResponse } from "@/lib/http/saml-pages";
import { devIdpEnabled, startDevIdpLogout } from "@/lib/services/dev-idp-store";

export const dynamic = "force-dynamic";

export async function POST(req: Request) {
  if (!devIdpEnabled()) return new Response("Not found", { status: 404 });
  try {
    const form = await readFormBody(req);
    const url = await startDevIdpLogout(await getReadyDb(), { slug: form.get("slug") ?? "", email: form.get("email") ?? "" });
    return new Response(null, { status: 303, headers: { Location: url, "Cache-Control": "no-store" } });
  } catch (e) {
    return samlErrorResponse(isAppError(e) ? e : new AppError("INTERNAL"));
  }
}
