// GET /api/v1/apps (list) and POST (register; the client secret is in this answer only) — operator keys only.
import { toApplicationDto } from "@/lib/api/dto/applications";
import { operatorRoute } from "@/lib/api/handler";
import { apiApplicationCreateSchema } from "@/lib/api/schemas/applications";
import { env } from "@/lib/env";
import { createApplication, listApplications } from "@/lib/services/applications";

const issuer = () => `${env().appUrl}/oidc`;

export const GET = operatorRoute({}, async (ctx) => {
  return { data: (await listApplications(ctx.db)).map((a) => toApplicationDto(a, issuer())), nextCursor: null };
});

export const POST = operatorRoute({ body: apiApplicationCreateSchema, idempotent: true }, async (ctx) => {
  const { application, clientSecret } = await createApplication(ctx.db, ctx.body);
  const dto = toApplicationDto(application, issuer());
  // The secret is shown once: the idempotency store keeps (and a replay returns) the answer without it.
  return { status: 201, data: { ...dto, client_secret: clientSecret }, replayData: { ...dto, client_secret: null } };
});
