// POST /api/internal/cli — the operator CLI's commands while this server owns the embedded database (loopback + token only; else 404).
import { handleCliBridgeRequest } from "@/server/cli-bridge";

export const dynamic = "force-dynamic";

export async function POST(req: Request) {
  return handleCliBridgeRequest(req);
}
