// GET (list), POST (create: 201 with the URL, shown once) /api/v1/setup-links. Owners only.
import { apiRoute } from "@/lib/api/handler";
import { apiSetupLinkCreateSchema } from "@/lib/api/schemas/setup-links";
import { env } from "@/lib/env";
import { createSetupLink, listSetupLinks, toSetupLinkJson } from "@/lib/services/setup-links";

export const GET = apiRoute({ minRole: "owner" }, async (ctx) => {
  const items = await listSetupLinks(ctx.db, ctx.workspace.id);
  return { data: items.map(toSetupLinkJson), nextCursor: null };
});

export const POST = apiRoute({ minRole: "owner", body: apiSetupLinkCreateSchema }, async (ctx) => {
  const { link, url } = await createSetupLink(ctx.db, ctx.workspace.id, ctx.body, ctx.actor, { appUrl: env().appUrl });
  return { data: { ...toSetupLinkJson(link), url }, status: 201 };
});
