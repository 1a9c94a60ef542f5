// POST /api/v1/apps/{client_id}/rotate-secret — a new client secret (in this answer only); the old one stops working.
import { toApplicationDto } from "@/lib/api/dto/applications";
import { operatorRoute } from "@/lib/api/handler";
import { applicationParamsSchema } from "@/lib/api/schemas/applications";
import { env } from "@/lib/env";
import { rotateApplicationSecret } from "@/lib/services/applications";

export const POST = operatorRoute({ params: applicationParamsSchema, idempotent: true }, async (ctx) => {
  const { application, clientSecret } = await rotateApplicationSecret(ctx.db, ctx.params.id);
  const dto = toApplicationDto(application, `${env().appUrl}/oidc`);
  return { data: { ...dto, client_secret: clientSecret }, replayData: { ...dto, client_secret: null } };
});
