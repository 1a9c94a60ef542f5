// GET /dev/idp/metadata — the built-in IdP's SAML metadata (development and test only).
import { getDevIdpMetadataXml, devIdpEnabled } from "@/lib/services/dev-idp-store";

export const dynamic = "force-dynamic";

export async function GET() {
  if (!devIdpEnabled()) return new Response("Not found", { status: 404 });
  return new Response(getDevIdpMetadataXml(), {
    headers: {
      "Content-Type": "application/samlmetadata+xml; charset=utf-8",
      "Cache-Control": "no-cache",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
