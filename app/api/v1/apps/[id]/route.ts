// GET, PATCH (name and URIs) and DELETE /api/v1/apps/{client_id} — operator keys only.
import { toApplicationDto } from "@/lib/api/dto/applications";
import { operatorRoute } from "@/lib/api/handler";
import { apiApplicationUpdateSchema, applicationParamsSchema } from "@/lib/api/schemas/applications";
import { env } from "@/lib/env";
import { deleteApplication, getApplicationOrThrow, updateApplication } from "@/lib/services/applications";

const issuer = () => `${env().appUrl}/oidc`;

export const GET = operatorRoute({ params: applicationParamsSchema }, async (ctx) => {
  return { data: toApplicationDto(await getApplicationOrThrow(ctx.db, ctx.params.id), issuer()) };
});

export const PATCH = operatorRoute({ params: applicationParamsSchema, body: apiApplicationUpdateSchema }, async (ctx) => {
  return { data: toApplicationDto(await updateApplication(ctx.db, ctx.params.id, ctx.body), issuer()) };
});

export const DELETE = operatorRoute({ params: applicationParamsSchema }, async (ctx) => {
  const app = await deleteApplication(ctx.db, ctx.params.id);
  return { data: { id: app.clientId, deleted: true } };
});
