// GET /w/{workspace}/settings/sso/{connectionId}/encryption-certificate[?key=next] — the SP encryption certificate (PEM) for the IdP.
import { requireWorkspaceRole } from "@/lib/auth/session";
import { isAppError } from "@/lib/errors";
import { getConnectionOrThrow } from "@/lib/services/connections";
import { listSpEncryptionKeys } from "@/lib/services/sp-encryption-keys";

export async function GET(req: Request, ctx: { params: Promise<{ workspace: string; connectionId: string }> }) {
  const { workspace, connectionId } = await ctx.params;
  const { db, workspace: ws } = await requireWorkspaceRole(workspace, "viewer");
  try {
    const c = await getConnectionOrThrow(db, ws.id, connectionId);
    const which = new URL(req.url).searchParams.get("key") === "next" ? "next" : "active";
    const key = (await listSpEncryptionKeys(db, ws.id, c.id)).find((k) => k.state === which);
    if (!key) return new Response("No such key.\n", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
    return new Response(key.certificatePem.trim() + "\n", {
      headers: {
        "content-type": "application/x-pem-file",
        "content-disposition": `attachment; filename="gatehouse-${c.slug}-encryption${which === "next" ? "-next" : ""}.pem"`,
        "cache-control": "no-store",
      },
    });
  } catch (e) {
    if (isAppError(e) && e.code === "NOT_FOUND") return new Response("Not found.\n", { status: 404 });
    throw e;
  }
}
