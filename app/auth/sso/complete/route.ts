// GET /auth/sso/complete?ticket=… — redeem the single-use login ticket in the browser it is bound to, and start the session.
// The Node server answers this path itself before Next (server/sso/mount.ts), with the same function.
import { answerSsoComplete } from "@/lib/http/sso-complete";
import { getReadyDb } from "@/server/bootstrap";

export const dynamic = "force-dynamic";

export async function GET(req: Request) {
  return answerSsoComplete(req, getReadyDb);
}
