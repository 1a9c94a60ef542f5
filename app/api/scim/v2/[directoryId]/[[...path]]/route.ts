// SCIM 2.0 (RFC 7644) for one directory: {APP_URL}/api/scim/v2/{directoryId}/Users|Groups|ServiceProviderConfig|ResourceTypes|Schemas.
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { clientIp } from "@/lib/http/client-ip";
import { readCappedText } from "@/lib/http/read-form";
import { handleScimRequest, SCIM_MAX_BODY_BYTES } from "@/lib/services/scim/api";
import { getReadyDb } from "@/server/bootstrap";

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

type Params = { params: Promise<{ directoryId: string; path?: string[] }> };

async function scim(req: Request, { params }: Params): Promise<Response> {
  const { directoryId, path = [] } = await params;
  const url = new URL(req.url);
  const tooLarge = () => new AppError("PAYLOAD_TOO_LARGE");
  const body =
    req.method === "GET" || req.method === "DELETE"
      ? ""
      : await readCappedText(req, SCIM_MAX_BODY_BYTES, tooLarge).catch((e: unknown) => {
          if (e instanceof AppError && e.code === "PAYLOAD_TOO_LARGE") return null;
          throw e;
        });
  const res = await handleScimRequest(await getReadyDb(), {
    method: req.method,
    directoryId,
    path: path.map(safeDecode),
    search: url.searchParams,
    authorization: req.headers.get("authorization"),
    body: body ?? "",
    bodyTooLarge: body === null,
    ip: clientIp(req.headers),
    appUrl: env().appUrl,
  });
  return new Response(res.body, { status: res.status, headers: res.headers });
}

export { scim as GET, scim as POST, scim as PUT, scim as PATCH, scim as DELETE };
