// GET /api/v1/connections (list) and POST /api/v1/connections (create).
import { toConnectionDto } from "@/lib/api/dto/connections";
import { apiRoute } from "@/lib/api/handler";
import { apiConnectionCreateSchema } from "@/lib/api/schemas/connections";
import { env } from "@/lib/env";
import { createConnection, listConnections } from "@/lib/services/connections";

export const GET = apiRoute({ minRole: "viewer" }, async (ctx) => {
  const rows = await listConnections(ctx.db, ctx.workspace.id);
  return { data: rows.map((c) => toConnectionDto(c, env().appUrl)), nextCursor: null };
});

export const POST = apiRoute({ minRole: "owner", body: apiConnectionCreateSchema, idempotent: true }, async (ctx) => {
  const c = await createConnection(ctx.db, ctx.workspace.id, ctx.body, ctx.actor);
  return { data: toConnectionDto(c, env().appUrl), status: 201 };
});
