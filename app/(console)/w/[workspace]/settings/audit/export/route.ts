// GET /w/:workspace/settings/audit/export?actor=&action=&target=&from=&to= — the filtered audit log as CSV (owners only).
import { requireWorkspaceRole } from "@/lib/auth/session";
import { describeError } from "@/lib/errors";
import { auditFilterSchema } from "@/lib/schemas/audit";
import { auditCsvStream } from "@/lib/services/audit-csv";

export const dynamic = "force-dynamic";

export async function GET(req: Request, { params }: { params: Promise<{ workspace: string }> }) {
  const { workspace: slug } = await params;
  const { db, workspace, membership } = await requireWorkspaceRole(slug, "viewer");
  if (membership.role !== "owner") {
    const e = describeError("FORBIDDEN");
    return Response.json(
      { error: { code: "FORBIDDEN", message: e.message, hint: "Only owners can export the audit log." } },
      { status: 403 },
    );
  }
  const parsed = auditFilterSchema.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!parsed.success) {
    const e = describeError("VALIDATION_FAILED");
    return Response.json(
      { error: { code: "VALIDATION_FAILED", message: e.message, hint: parsed.error.issues[0]?.message ?? e.hint } },
      { status: 422 },
    );
  }
  const day = new Date().toISOString().slice(0, 10);
  return new Response(auditCsvStream(db, workspace.id, parsed.data), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="audit-${workspace.slug}-${day}.csv"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
