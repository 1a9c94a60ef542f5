import { apiApplicationCreateSchema, apiApplicationUpdateSchema, applicationParamsSchema } from "@/lib/api/schemas/applications";
import { deletedSchema } from "@/lib/api/schemas/common";
import { applicationDtoSchema, applicationWithSecretDtoSchema } from "@/lib/schemas/applications";
import { registerApiPath } from "../registry";

const tags = ["Applications (operator)"];

registerApiPath({
  minRole: "operator",
  method: "get",
  path: "/api/v1/apps",
  summary: "List applications",
  description: "The OpenID Connect clients of this instance (your products that sign people in through Gatehouse). Never their secrets.",
  tags,
  response: applicationDtoSchema,
  list: true,
});

registerApiPath({
  minRole: "operator",
  method: "post",
  path: "/api/v1/apps",
  summary: "Register an application",
  description:
    "A confidential OpenID Connect client: authorization code flow with PKCE (S256), redirect URIs matched exactly (https; http only on localhost/127.0.0.1/[::1]). " +
    "The answer carries `client_secret` this once (stored encrypted); an idempotent replay answers `client_secret: null`.",
  tags,
  body: apiApplicationCreateSchema,
  response: applicationWithSecretDtoSchema,
  status: 201,
  idempotent: true,
});

registerApiPath({
  minRole: "operator",
  method: "get",
  path: "/api/v1/apps/{id}",
  summary: "Get an application",
  tags,
  params: applicationParamsSchema,
  response: applicationDtoSchema,
});

registerApiPath({
  minRole: "operator",
  method: "patch",
  path: "/api/v1/apps/{id}",
  summary: "Change an application's name or URIs",
  description: "Fields left out stay; `null` clears `backchannel_logout_uri` or `initiate_login_uri`.",
  tags,
  params: applicationParamsSchema,
  body: apiApplicationUpdateSchema,
  response: applicationDtoSchema,
});

registerApiPath({
  minRole: "operator",
  method: "delete",
  path: "/api/v1/apps/{id}",
  summary: "Delete an application",
  description: "With its grants, codes and tokens: people are signed out of it.",
  tags,
  params: applicationParamsSchema,
  response: deletedSchema,
});

registerApiPath({
  minRole: "operator",
  method: "post",
  path: "/api/v1/apps/{id}/rotate-secret",
  summary: "Rotate an application's client secret",
  description: "The answer carries the new `client_secret` this once; the old secret stops working at once (issued tokens stay valid).",
  tags,
  params: applicationParamsSchema,
  response: applicationWithSecretDtoSchema,
  idempotent: true,
});
