// GET /auth/ip-refused?workspace=slug — where a session request refused by a workspace's IP allowlist lands.
import { clientIp } from "@/lib/http/client-ip";
import { ipRefusedResponse, safeWorkspaceSlug } from "@/lib/http/ip-refused-page";
import { canonicalClientAddress } from "@/lib/net/cidr";

export const dynamic = "force-dynamic";

export async function GET(req: Request) {
  const ip = clientIp(req.headers);
  return ipRefusedResponse({
    address: canonicalClientAddress(ip) ?? ip,
    workspace: safeWorkspaceSlug(new URL(req.url).searchParams.get("workspace")),
  });
}
