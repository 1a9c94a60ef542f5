import { idParamsSchema } from "@/lib/api/schemas/common";
import { apiSsoEventListQuerySchema } from "@/lib/api/schemas/sso-events";
import { ssoEventDtoSchema } from "@/lib/schemas/sso-events";
import { registerApiPath } from "../registry";

const SsoEvent = ssoEventDtoSchema.meta({
  id: "SsoEvent",
  description:
    "One sign-in attempt: outcome, error code, email, flow and safe expected/actual values in `detail` (never keys or assertions).",
});

registerApiPath({
  minRole: "viewer",
  method: "get",
  path: "/api/v1/sso-events",
  summary: "List sign-in events",
  description: "Newest first. Filter by connection, outcome, email and time; page with `cursor` = `meta.next_cursor`.",
  tags: ["SSO events"],
  query: apiSsoEventListQuerySchema,
  response: SsoEvent,
  list: true,
});

registerApiPath({
  minRole: "viewer",
  method: "get",
  path: "/api/v1/sso-events/{id}",
  summary: "Get a sign-in event",
  tags: ["SSO events"],
  params: idParamsSchema,
  response: SsoEvent,
});
