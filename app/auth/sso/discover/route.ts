// POST /auth/sso/discover {email, return_to?} — the SSO login URL for a routed email domain; every
// other case (unknown, pending, failing, unrouted, inactive) gets the same 404. Rate-limited per IP; body capped at 4 KB.
import { discoverSso } from "@/lib/services/discovery";
import { env } from "@/lib/env";
import { discoverySchema } from "@/lib/schemas/domains";
import { getReadyDb } from "@/server/bootstrap";
import { clientIp } from "@/lib/http/client-ip";
import { discoveryErrorResponse, discoveryNotFound } from "@/lib/http/discovery-responses";
import { readCappedText } from "@/lib/http/read-form";
import { AppError, isAppError } from "@/lib/errors";

/** An email and a return path fit easily; anything bigger is refused before it is read further. */
const DISCOVERY_MAX_BODY_BYTES = 4 * 1024;

export async function POST(req: Request) {
  let raw: unknown;
  try {
    raw = JSON.parse(await readCappedText(req, DISCOVERY_MAX_BODY_BYTES, () => new AppError("PAYLOAD_TOO_LARGE")));
  } catch (e) {
    return discoveryErrorResponse(isAppError(e) ? e : "BAD_REQUEST");
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
