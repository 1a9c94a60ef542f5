// GET /api/health — liveness plus a database round trip; 503 when the database is unreachable.
import { checkDatabase } from "@/lib/services/health";
import { getReadyDb } from "@/server/bootstrap";

export const dynamic = "force-dynamic";

export async function GET() {
  const db = await checkDatabase(getReadyDb);
  return Response.json(
    { status: db.ok ? "ok" : "degraded", db: db.ok ? "ok" : "unreachable" },
    { status: db.ok ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}
