import type { BuiltLogoutMessage } from "@/lib/saml/logout-messages";
import { autoPostResponse } from "./saml-pages";

/** A signed logout message on its way to the IdP: a redirect (HTTP-Redirect) or an auto-posting form (HTTP-POST). */
export function logoutMessageResponse(m: BuiltLogoutMessage, headers: Record<string, string> = {}): Response {
  const res =
    m.binding === "post"
      ? autoPostResponse(m.action, m.fields, { title: "Signing out…" })
      : new Response(null, { status: 302, headers: { Location: m.url, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" } });
  for (const [k, v] of Object.entries(headers)) res.headers.append(k, v);
  return res;
}

/** A same-site redirect (303) to a path of this site. */
export function seeOther(location: string, headers: Record<string, string> = {}): Response {
  const res = new Response(null, {
    status: 303,
    headers: { Location: location, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" },
  });
  for (const [k, v] of Object.entries(headers)) res.headers.append(k, v);
  return res;
}
