// POST /api/v1/connections/{id}/trust-approval — an owner's key approves what the connection trusts now.
import { apiRoute } from "@/lib/api/handler";
import { idParamsSchema } from "@/lib/api/schemas/common";
import { env } from "@/lib/env";
import { toConnectionDto } from "@/lib/api/dto/connections";
import { approveConnectionTrust } from "@/lib/services/connection-trust";

export const POST = apiRoute({ minRole: "owner", params: idParamsSchema }, async (ctx) => {
  const c = await approveConnectionTrust(ctx.db, ctx.workspace.id, ctx.params.id, ctx.actor);
  return { data: toConnectionDto(c, env().appUrl) };
});
