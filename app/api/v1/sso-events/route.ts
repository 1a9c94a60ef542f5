// GET /api/v1/sso-events: sign-in attempts, newest first, filtered, cursor-paginated.
import { toSsoEventDto } from "@/lib/api/dto/sso-events";
import { apiRoute } from "@/lib/api/handler";
import { apiSsoEventListQuerySchema } from "@/lib/api/schemas/sso-events";
import { listSsoEvents } from "@/lib/services/sso-events";

export const GET = apiRoute({ minRole: "viewer", query: apiSsoEventListQuerySchema }, async (ctx) => {
  const { connection, ...filter } = ctx.query;
  const page = await listSsoEvents(ctx.db, ctx.workspace.id, { ...filter, connectionId: filter.connectionId ?? connection });
  return { data: page.items.map(toSsoEventDto), nextCursor: page.nextCursor };
});
