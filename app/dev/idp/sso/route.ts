// GET+POST /dev/idp/sso — the built-in IdP receives a signed AuthnRequest (Redirect or POST binding) and shows the user chooser.
import { AppError, isAppError } from "@/lib/errors";
import { getReadyDb } from "@/server/bootstrap";
import { readFormBody } from "@/lib/http/read-form";
import { samlErrorResponse } from "@/lib/http/saml-pages";
import { devIdpEnabled, readDevIdpAuthnRequest, type DevIdpRequest } from "@/lib/services/dev-idp-store";

export const dynamic = "force-dynamic";

function toChooser(req: DevIdpRequest): Response {
  const q = new URLSearchParams({ request_id: req.requestId, slug: req.slug, ...(req.relayState ? { relay_state: req.relayState } : {}) });
  return new Response(null, { status: 303, headers: { Location: `/dev/idp/sso/choose?${q}`, "Cache-Control": "no-store" } });
}

async function handle(read: () => Promise<DevIdpRequest>): Promise<Response> {
  if (!devIdpEnabled()) return new Response("Not found", { status: 404 });
  try {
    return toChooser(await read());
  } catch (e) {
    return samlErrorResponse(isAppError(e) ? e : new AppError("SAML_MALFORMED"));
  }
}

export async function GET(req: Request) {
  return handle(async () => readDevIdpAuthnRequest(await getReadyDb(), { binding: "redirect", query: new URL(req.url).search }));
}

export async function POST(req: Request) {
  return handle(async () => {
    const form = await readFormBody(req);
    return readDevIdpAuthnRequest(await getReadyDb(), {
      binding: "post",
      samlRequest: form.get("SAMLRequest") ?? "",
      relayState: form.get("RelayState"),
    });
  });
}
