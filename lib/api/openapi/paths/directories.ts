import { deletedSchema, idParamsSchema } from "@/lib/api/schemas/common";
import {
  apiDirectoryCreateSchema,
  apiDirectoryGroupRoleSchema,
  apiDirectoryTokenRotateSchema,
  apiDirectoryUpdateSchema,
  directoryGroupParamsSchema,
  directoryListQuerySchema,
  scimRequestDtoSchema,
} from "@/lib/api/schemas/directories";
import {
  directoryDtoSchema,
  directoryGroupDtoSchema,
  directoryTokenDtoSchema,
  directoryUserDtoSchema,
  directoryWithTokenSchema,
} from "@/lib/schemas/directories";
import { registerApiPath } from "../registry";

const tags = ["Directory sync (SCIM)"];

registerApiPath({
  method: "get",
  path: "/api/v1/directories",
  summary: "List directories",
  description: "The workspace's SCIM directories: each is one IdP provisioning people at its `scim_base_url` with its own bearer token.",
  tags,
  minRole: "admin",
  response: directoryDtoSchema,
  list: true,
});

registerApiPath({
  method: "post",
  path: "/api/v1/directories",
  summary: "Create a directory",
  description:
    "Creates a SCIM 2.0 directory. The response carries the bearer `token` for the IdP once (only its hash is stored). " +
    "Enter `scim_base_url` and the token in the IdP's provisioning settings (Okta: SCIM connector base URL + HTTP Header; Entra ID: Tenant URL + Secret Token).",
  tags,
  minRole: "admin",
  body: apiDirectoryCreateSchema,
  response: directoryWithTokenSchema,
  status: 201,
  idempotent: true,
});

registerApiPath({
  method: "get",
  path: "/api/v1/directories/{id}",
  summary: "Get a directory",
  tags,
  minRole: "admin",
  params: idParamsSchema,
  response: directoryDtoSchema,
});

registerApiPath({
  method: "patch",
  path: "/api/v1/directories/{id}",
  summary: "Change a directory",
  description:
    "Turn it off (`active: false`: its requests are refused with 403, nobody's access changes), link an SSO connection, set the default role, or give access by group " +
    "(`deprovision_outside_mapped_groups`: people in no group mapped to a role are deprovisioned). Role and access changes apply to every provisioned person at once.",
  tags,
  minRole: "admin",
  params: idParamsSchema,
  body: apiDirectoryUpdateSchema,
  response: directoryDtoSchema,
});

registerApiPath({
  method: "delete",
  path: "/api/v1/directories/{id}",
  summary: "Delete a directory",
  description: "Its tokens, users, groups and request log go; the members it provisioned stay as they are.",
  tags,
  minRole: "admin",
  params: idParamsSchema,
  response: deletedSchema,
});

registerApiPath({
  method: "post",
  path: "/api/v1/directories/{id}/token",
  summary: "Rotate the bearer token",
  description:
    "A new token (shown once). Earlier tokens keep working for `overlap_minutes` (default 60), so the IdP can be updated without an outage.",
  tags,
  minRole: "admin",
  params: idParamsSchema,
  body: apiDirectoryTokenRotateSchema,
  response: directoryTokenDtoSchema,
  status: 201,
});

registerApiPath({
  method: "get",
  path: "/api/v1/directories/{id}/users",
  summary: "List the directory's users",
  description: "Users the IdP provisioned (by userName), with the workspace membership each one gives (role, disabled).",
  tags,
  minRole: "admin",
  params: idParamsSchema,
  query: directoryListQuerySchema,
  response: directoryUserDtoSchema,
  list: true,
});

registerApiPath({
  method: "get",
  path: "/api/v1/directories/{id}/groups",
  summary: "List the directory's groups",
  tags,
  minRole: "admin",
  params: idParamsSchema,
  response: directoryGroupDtoSchema,
  list: true,
});

registerApiPath({
  method: "patch",
  path: "/api/v1/directories/{id}/groups/{groupId}",
  summary: "Map a group to a role",
  description:
    "Members of groups mapped to roles get the highest of those roles (else the directory's default role); `owner` is never granted and an owner's role never changes. Applies at once.",
  tags,
  minRole: "admin",
  params: directoryGroupParamsSchema,
  body: apiDirectoryGroupRoleSchema,
  response: directoryGroupDtoSchema,
});

registerApiPath({
  method: "get",
  path: "/api/v1/directories/{id}/requests",
  summary: "The SCIM request log",
  description:
    "Every request the directory received in the last 30 days, newest first: method, path, status, error, duration, and the body with secrets removed.",
  tags,
  minRole: "admin",
  params: idParamsSchema,
  query: directoryListQuerySchema,
  response: scimRequestDtoSchema,
  list: true,
});
