import { deletedSchema, idParamsSchema } from "@/lib/api/schemas/common";
import { apiOrganizationCreateSchema, apiOrganizationListQuerySchema, apiOrganizationUpdateSchema } from "@/lib/api/schemas/organizations";
import { organizationDtoSchema } from "@/lib/schemas/organizations";
import { registerApiPath } from "../registry";

const tags = ["Organizations (operator)"];

registerApiPath({
  minRole: "operator",
  method: "get",
  path: "/api/v1/organizations",
  summary: "List organizations",
  description: "Every organization (workspace) of this instance, oldest first. `external_id` finds the one that is your tenant.",
  tags,
  query: apiOrganizationListQuerySchema,
  response: organizationDtoSchema,
  list: true,
});

registerApiPath({
  minRole: "operator",
  method: "post",
  path: "/api/v1/organizations",
  summary: "Create an organization",
  description:
    "With a unique `slug`, your own tenant id as `external_id` (unique when set) and, optionally, a first owner by email (the account is created when new; " +
    "they sign in by SSO once a connection exists, or after you set a password). Manage its connections, domains and members under `/api/v1/organizations/{id}/…`.",
  tags,
  body: apiOrganizationCreateSchema,
  response: organizationDtoSchema,
  status: 201,
  idempotent: true,
  errors: ["SLUG_TAKEN", "CONFLICT"],
});

registerApiPath({
  minRole: "operator",
  method: "get",
  path: "/api/v1/organizations/{id}",
  summary: "Get an organization",
  tags,
  params: idParamsSchema,
  response: organizationDtoSchema,
});

registerApiPath({
  minRole: "operator",
  method: "patch",
  path: "/api/v1/organizations/{id}",
  summary: "Rename an organization or change its external id",
  description: "The slug stays: it is in the console URLs people use. `external_id: null` clears it.",
  tags,
  params: idParamsSchema,
  body: apiOrganizationUpdateSchema,
  response: organizationDtoSchema,
  errors: ["CONFLICT"],
});

registerApiPath({
  minRole: "operator",
  method: "delete",
  path: "/api/v1/organizations/{id}",
  summary: "Delete an organization",
  description:
    "Deletes the organization with its connections, domains, members and keys. Its people lose their application grants and tokens at once; applications with a back-channel logout URI are told.",
  tags,
  params: idParamsSchema,
  response: deletedSchema,
});
