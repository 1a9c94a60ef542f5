import { idParamsSchema } from "@/lib/api/schemas/common";
import { apiSetupLinkCreateSchema } from "@/lib/api/schemas/setup-links";
import { setupLinkCreatedDtoSchema, setupLinkDtoSchema } from "@/lib/schemas/setup-links";
import { registerApiPath } from "../registry";

const tags = ["Setup links"];

registerApiPath({
  minRole: "owner",
  method: "get",
  path: "/api/v1/setup-links",
  summary: "List setup links",
  description: "The workspace's setup links with their status (`active`, `completed`, `expired`, `revoked`); never their URL or token.",
  tags,
  response: setupLinkDtoSchema,
  list: true,
});

registerApiPath({
  minRole: "owner",
  method: "post",
  path: "/api/v1/setup-links",
  summary: "Create a setup link",
  description:
    "A link for the customer's IT admin to set up one thing of this workspace without a Gatehouse account: `sso` (SAML connections and a test sign-in), `domains` (add and verify) or `directory` (SCIM). It expires after `expires_in_days` (default 7, at most 30). The `url` is returned once; the token travels only in its fragment and is stored hashed. Connections made through it start inactive and unapproved: an owner reviews, approves and activates them. Every use is in the audit log as `setup link <name>`.",
  tags,
  body: apiSetupLinkCreateSchema,
  response: setupLinkCreatedDtoSchema,
  status: 201,
});

registerApiPath({
  minRole: "owner",
  method: "post",
  path: "/api/v1/setup-links/{id}/revoke",
  summary: "Revoke a setup link",
  description: "Stops the link at once, including browsers that already opened it.",
  tags,
  params: idParamsSchema,
  response: setupLinkDtoSchema,
});
