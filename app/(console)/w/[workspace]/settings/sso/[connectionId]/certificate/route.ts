// GET /w/{workspace}/settings/sso/{connectionId}/certificate — the SP signing certificate (PEM) to upload to the IdP.
import { requireWorkspaceRole } from "@/lib/auth/session";
import { isAppError } from "@/lib/errors";
import { getConnectionOrThrow } from "@/lib/services/connections";
import { listSpKeys } from "@/lib/services/sp-keys";

export async function GET(req: Request, ctx: { params: Promise<{ workspace: string; connectionId: string }> }) {
  const { workspace, connectionId } = await ctx.params;
  const { db, workspace: ws } = await requireWorkspaceRole(workspace, "viewer");
  try {
    const c = await getConnectionOrThrow(db, ws.id, connectionId);
    const keys = await listSpKeys(db, ws.id, c.id);
    const which = new URL(req.url).searchParams.get("key");
    const key = keys.find((k) => (which === "next" ? k.state === "next" : k.state === "active"));
    if (!key) return new Response("No such key.\n", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
    return new Response(key.certificatePem.trim() + "\n", {
      headers: {
        "content-type": "application/x-pem-file",
        "content-disposition": `attachment; filename="gatehouse-${c.slug}${which === "next" ? "-next" : ""}.pem"`,
        "cache-control": "no-store",
      },
    });
  } catch (e) {
    if (isAppError(e) && e.code === "NOT_FOUND") return new Response("Not found.\n", { status: 404 });
    throw e;
  }
}
