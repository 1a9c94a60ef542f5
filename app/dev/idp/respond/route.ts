// POST /dev/idp/respond — the built-in IdP signs a response for the chosen user and posts it to the connection's ACS.
import { AppError, isAppError } from "@/lib/errors";
import { getReadyDb } from "@/server/bootstrap";
import { readFormBody } from "@/lib/http/read-form";
import { autoPostResponse, samlErrorResponse } from "@/lib/http/saml-pages";
import { buildDevIdpResponse, devIdpEnabled, parseDevIdpUser } from "@/lib/services/dev-idp-store";

export const dynamic = "force-dynamic";

export async function POST(req: Request) {
  if (!devIdpEnabled()) return new Response("Not found", { status: 404 });
  try {
    const form = await readFormBody(req);
    const { acsUrl, fields } = await buildDevIdpResponse(await getReadyDb(), {
      slug: form.get("slug") ?? "",
      requestId: form.get("request_id") || null,
      relayState: form.get("relay_state") || null,
      user: parseDevIdpUser(form),
    });
    return autoPostResponse(acsUrl, fields, { title: "Signing you in to Gatehouse…" });
  } catch (e) {
    return samlErrorResponse(isAppError(e) ? e : new AppError("INTERNAL"));
  }
}
