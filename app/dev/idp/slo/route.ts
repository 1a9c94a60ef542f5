// GET+POST /dev/idp/slo — the built-in IdP's single logout service: answers the SP's LogoutRequest, and reports the SP's LogoutResponse.
import { AppError, isAppError } from "@/lib/errors";
import { getReadyDb } from "@/server/bootstrap";
import { readFormBody } from "@/lib/http/read-form";
import { escapeHtml, htmlResponse, renderHtmlPage, samlErrorResponse } from "@/lib/http/saml-pages";
import { devIdpEnabled, handleDevIdpLogout, type DevIdpLogoutResult } from "@/lib/services/dev-idp-store";
import { randomBytes } from "node:crypto";

export const dynamic = "force-dynamic";

function toResponse(r: DevIdpLogoutResult): Response {
  if (r.kind === "answer") return new Response(null, { status: 302, headers: { Location: r.url, "Cache-Control": "no-store" } });
  const ok = r.statusCode === "urn:oasis:names:tc:SAML:2.0:status:Success";
  const nonce = randomBytes(16).toString("base64");
  const body =
    `<main><p class="brand">Built-in IdP · Single logout</p><div class="card" role="status"><h1>${ok ? "Signed out of the application" : "Sign-out not confirmed"}</h1>` +
    `<p>${escapeHtml(r.connectionName)} answered the built-in IdP's logout request with status <code>${escapeHtml(r.statusCode ?? "none")}</code>.</p>` +
    `<p class="foot"><a href="/dev/idp">Back to the built-in IdP</a></p></div></main>`;
  return htmlResponse(renderHtmlPage("Built-in IdP: single logout", body, nonce), 200, nonce);
}

async function handle(read: () => Promise<Parameters<typeof handleDevIdpLogout>[1]>): Promise<Response> {
  if (!devIdpEnabled()) return new Response("Not found", { status: 404 });
  try {
    return toResponse(await handleDevIdpLogout(await getReadyDb(), await read()));
  } catch (e) {
    return samlErrorResponse(isAppError(e) ? e : new AppError("SAML_SLO_MALFORMED"));
  }
}

export async function GET(req: Request) {
  return handle(async () => ({ binding: "redirect", query: new URL(req.url).search }));
}

export async function POST(req: Request) {
  return handle(async () => {
    const form = await readFormBody(req);
    return { binding: "post", value: form.get("SAMLRequest") ?? form.get("SAMLResponse") ?? "", relayState: form.get("RelayState") };
  });
}
