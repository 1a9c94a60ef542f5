// POST /auth/sso/discover {email, return_to?} — the SSO login URL for a routed email domain; every
// other case (unknown, pending, failing, unrouted, inactive) gets the same 404. Rate-limited per IP.
import { discoverSso } from "@/lib/services/discovery";
import { env } from "@/lib/env";
import { discoverySchema } from "@/lib/schemas/domains";
import { getReadyDb } from "@/server/bootstrap";
import { clientIp } from "@/lib/http/client-ip";
import { discoveryErrorResponse, discoveryNotFound } from "@/lib/http/discovery-responses";

export async function POST(req: Request) {
  let raw: unknown;
  try {
    raw = await req.json();
  } catch {
    return discoveryErrorResponse("BAD_REQUEST");
  }
  const parsed = discoverySchema.safeParse(raw);
  if (!parsed.success) return discoveryErrorResponse("VALIDATION_FAILED");
  try {
    const db = await getReadyDb();
    const result = await discoverSso(db, {
      email: parsed.data.email,
      returnTo: parsed.data.return_to,
      ip: clientIp(req.headers),
      appUrl: env().appUrl,
    });
    if (!result.found) return discoveryNotFound();
    return Response.json(
      { redirect: result.redirect, name: result.name, enforced: result.enforced },
      { headers: { "cache-control": "no-store" } },
    );
  } catch (e) {
    return discoveryErrorResponse(e);
  }
}
