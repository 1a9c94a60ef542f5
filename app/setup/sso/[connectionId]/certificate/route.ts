// GET /setup/sso/{connectionId}/certificate — the SP signing certificate (PEM) of a connection the setup link made.
import { isAppError } from "@/lib/errors";
import { readSetupLinkCookie } from "@/lib/http/setup-link-cookie";
import { getSetupLinkConnectionOrThrow } from "@/lib/services/setup-link-scope";
import { resolveSetupLinkToken } from "@/lib/services/setup-links";
import { listSpKeys } from "@/lib/services/sp-keys";
import { getReadyDb } from "@/server/bootstrap";

const notFound = () => new Response("Not found.\n", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });

export async function GET(req: Request, ctx: { params: Promise<{ connectionId: string }> }) {
  const { connectionId } = await ctx.params;
  const db = await getReadyDb();
  const link = await resolveSetupLinkToken(db, readSetupLinkCookie(req));
  if (!link || link.link.purpose !== "sso") return notFound();
  try {
    const c = await getSetupLinkConnectionOrThrow(db, link, connectionId);
    const key = (await listSpKeys(db, link.workspace.id, c.id)).find((k) => k.state === "active");
    if (!key) return notFound();
    return new Response(key.certificatePem.trim() + "\n", {
      headers: {
        "content-type": "application/x-pem-file",
        "content-disposition": `attachment; filename="gatehouse-${c.slug}.pem"`,
        "cache-control": "no-store",
      },
    });
  } catch (e) {
    if (isAppError(e) && e.code === "NOT_FOUND") return notFound();
    throw e;
  }
}
