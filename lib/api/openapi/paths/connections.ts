import { deletedSchema, idParamsSchema } from "@/lib/api/schemas/common";
import {
  apiConnectionCreateSchema,
  apiConnectionUpdateSchema,
  apiRoleMappingsReplaceSchema,
  apiSpKeyActionSchema,
} from "@/lib/api/schemas/connections";
import { connectionDtoSchema, spKeyDtoSchema } from "@/lib/schemas/connections";
import { roleMappingDtoSchema } from "@/lib/schemas/role-mappings";
import { registerApiPath } from "../registry";

const Connection = connectionDtoSchema.meta({
  id: "Connection",
  description: "A SAML connection with the SP values to register in the IdP (`sp`). Never contains private keys.",
});
const SpKey = spKeyDtoSchema.meta({
  id: "SpKey",
  description: "An SP signing key: its certificate only (the private key never leaves the server).",
});
const RoleMapping = roleMappingDtoSchema.meta({ id: "RoleMapping" });
const tags = ["Connections"];
const params = idParamsSchema;

registerApiPath({
  minRole: "viewer",
  method: "get",
  path: "/api/v1/connections",
  summary: "List connections",
  description: "All SAML connections of the key's workspace (one page: `meta.next_cursor` is null).",
  tags,
  response: Connection,
  list: true,
});

registerApiPath({
  minRole: "owner",
  method: "post",
  path: "/api/v1/connections",
  summary: "Create a connection",
  description:
    "Creates the connection and its SP signing key. Give the IdP by `metadata_url`, `metadata_xml` or `manual` (or later with PATCH). The response carries the SP values to register in the IdP (`sp.entity_id`, `sp.acs_url`, `sp.metadata_url`, `sp.login_url`).",
  tags,
  body: apiConnectionCreateSchema,
  response: Connection,
  status: 201,
  idempotent: true,
  errors: ["SLUG_TAKEN", "CONNECTION_NAME_TAKEN", "SAML_METADATA_INVALID", "SAML_METADATA_FETCH_FAILED"],
});

registerApiPath({
  minRole: "viewer",
  method: "get",
  path: "/api/v1/connections/{id}",
  summary: "Get a connection",
  tags,
  params,
  response: Connection,
});

registerApiPath({
  minRole: "admin",
  method: "patch",
  path: "/api/v1/connections/{id}",
  summary: "Update a connection",
  description:
    "Send the `version` you read; if someone changed the connection since, the answer is 409 `VERSION_CONFLICT` and nothing changes.",
  tags,
  params,
  body: apiConnectionUpdateSchema,
  response: Connection,
  errors: ["VERSION_CONFLICT", "CONNECTION_NAME_TAKEN", "SAML_METADATA_INVALID", "SAML_METADATA_FETCH_FAILED"],
});

registerApiPath({
  minRole: "admin",
  method: "delete",
  path: "/api/v1/connections/{id}",
  summary: "Delete a connection",
  description: "Deletes the connection, its SP keys and role mappings; routed domains become unrouted.",
  tags,
  params,
  response: deletedSchema,
});

registerApiPath({
  minRole: "owner",
  method: "post",
  path: "/api/v1/connections/{id}/trust-approval",
  summary: "Approve the connection's trust",
  description:
    "Records that the key's owner approves what the connection trusts now (IdP, certificates, account linking, roles), e.g. after the owner who approved it left. Owners and admins can sign in through a connection only while its last approval is a current owner's (or the operator's); see `trust_approval`.",
  tags,
  params,
  response: Connection,
});

registerApiPath({
  minRole: "admin",
  method: "post",
  path: "/api/v1/connections/{id}/metadata/refresh",
  summary: "Refresh IdP metadata now",
  description:
    "Fetches the connection's metadata URL now. On failure the last good metadata stays and the error is recorded (`metadata_error`).",
  tags,
  params,
  response: Connection,
  idempotent: true,
  errors: ["CONFLICT", "SAML_METADATA_INVALID", "SAML_METADATA_FETCH_FAILED"],
});

registerApiPath({
  minRole: "viewer",
  method: "get",
  path: "/api/v1/connections/{id}/sp-keys",
  summary: "List SP signing keys",
  tags: ["SP keys"],
  params,
  response: SpKey,
  list: true,
});

registerApiPath({
  minRole: "admin",
  method: "post",
  path: "/api/v1/connections/{id}/sp-keys",
  summary: "Rotate the SP signing key (stage, activate, retire)",
  description:
    "Rotation without an outage: `stage` a next key (published in SP metadata), let the IdP pick it up, `activate` it, then `retire` the old one. Returns the connection's keys after the step.",
  tags: ["SP keys"],
  params,
  body: apiSpKeyActionSchema,
  response: SpKey,
  list: true,
  idempotent: true,
  errors: ["CONFLICT"],
});

registerApiPath({
  minRole: "viewer",
  method: "get",
  path: "/api/v1/connections/{id}/role-mappings",
  summary: "List role-mapping rules",
  tags: ["Role mappings"],
  params,
  response: RoleMapping,
  list: true,
});

registerApiPath({
  minRole: "owner",
  method: "put",
  path: "/api/v1/connections/{id}/role-mappings",
  summary: "Replace role-mapping rules",
  description:
    "Replaces the full, ordered list. Body `{ rules: [{ attribute, value, role }] }` (a bare array is accepted too). Roles: admin, editor, viewer.",
  tags: ["Role mappings"],
  params,
  body: apiRoleMappingsReplaceSchema,
  response: RoleMapping,
  list: true,
});

const SpEncryptionKey = spKeyDtoSchema.meta({
  id: "SpEncryptionKey",
  description:
    'An SP encryption key (what the IdP encrypts assertions to): its certificate only. Separate from the signing keys; the active and a staged key are published in the SP metadata with use="encryption".',
});

registerApiPath({
  minRole: "viewer",
  method: "get",
  path: "/api/v1/connections/{id}/sp-encryption-keys",
  summary: "List SP encryption keys",
  description: "Empty until `require_encrypted_assertions` is turned on (PATCH the connection): that creates the first key.",
  tags: ["SP keys"],
  params,
  response: SpEncryptionKey,
  list: true,
});

registerApiPath({
  minRole: "owner",
  method: "post",
  path: "/api/v1/connections/{id}/sp-encryption-keys",
  summary: "Rotate the SP encryption key (stage, activate, retire)",
  description:
    "`stage` a next key (published beside the active one; both decrypt), give its certificate to the IdP, `activate` it (only it is published; the old key still decrypts), then `retire` the old key (it stops decrypting). Owner only: which keys the IdP encrypts to is IdP trust.",
  tags: ["SP keys"],
  params,
  body: apiSpKeyActionSchema,
  response: SpEncryptionKey,
  list: true,
  idempotent: true,
  errors: ["CONFLICT", "FORBIDDEN"],
});
