// GET /api/v1/sso-events: sign-in attempts, newest first, filtered, cursor-paginated.
import { apiRoute } from "@/lib/api/handler";
import { apiSsoEventListQuerySchema } from "@/lib/api/schemas/sso-events";
import { toSsoEventDto } from "@/lib/services/connection-dto";
import { listSsoEvents } from "@/lib/services/sso-events";

export const GET = apiRoute({ minRole: "viewer", query: apiSsoEventListQuerySchema }, async (ctx) => {
  const q = ctx.query;
  const page = await listSsoEvents(ctx.db, ctx.workspace.id, {
    connectionId: q.connection_id ?? q.connection,
    outcome: q.outcome,
    email: q.email,
    since: q.since,
    until: q.until,
    cursor: q.cursor,
    limit: q.limit,
  });
  return { data: page.items.map(toSsoEventDto), nextCursor: page.nextCursor };
});
