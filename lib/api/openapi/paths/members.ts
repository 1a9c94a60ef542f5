import { deletedSchema, idParamsSchema } from "@/lib/api/schemas/common";
import { apiMemberInviteSchema, apiMemberListQuerySchema, apiMemberUpdateSchema } from "@/lib/api/schemas/members";
import { memberDtoSchema, memberInviteResultSchema } from "@/lib/schemas/members";
import { registerApiPath } from "../registry";

const tags = ["Members"];
const member = memberDtoSchema.meta({ id: "Member" });

registerApiPath({
  minRole: "viewer",
  method: "get",
  path: "/api/v1/members",
  summary: "List members",
  description:
    "Members and invited people of the key's workspace, ordered by email, with role, status, source (password / SSO connection / SCIM), last sign-in and break-glass flag.",
  tags,
  query: apiMemberListQuerySchema,
  response: member,
  list: true,
});

registerApiPath({
  minRole: "admin",
  method: "post",
  path: "/api/v1/members",
  summary: "Invite a member",
  description:
    "Invite by email with a role: the person becomes an `invited` member and the invitation is emailed (when the server has `SMTP_URL`) and the response carries the one-time `invite_url`. " +
    "When they first sign in by SSO with that email the invited role is kept. A key acts with its role: an admin's key invites editors and viewers only; owner and admin invitations need a key acting as owner. " +
    "The link is not kept: an idempotent replay answers with `invite_url: null`.",
  tags,
  body: apiMemberInviteSchema,
  response: memberInviteResultSchema,
  status: 201,
  idempotent: true,
  errors: ["ALREADY_MEMBER", "FORBIDDEN"],
});

registerApiPath({
  minRole: "viewer",
  method: "get",
  path: "/api/v1/members/{id}",
  summary: "Get a member",
  tags,
  params: idParamsSchema,
  response: member,
});

registerApiPath({
  minRole: "admin",
  method: "patch",
  path: "/api/v1/members/{id}",
  summary: "Change a member's role or disable them",
  description:
    "Admins (and API keys) manage editors and viewers; only owners grant or change admin/owner. The last owner cannot be demoted or disabled (409 LAST_OWNER).",
  tags,
  params: idParamsSchema,
  body: apiMemberUpdateSchema,
  response: member,
  errors: ["FORBIDDEN", "LAST_OWNER"],
});

registerApiPath({
  minRole: "admin",
  method: "delete",
  path: "/api/v1/members/{id}",
  summary: "Remove a member",
  description: "The person loses access to this workspace on their very next request. The last owner cannot be removed (409 LAST_OWNER).",
  tags,
  params: idParamsSchema,
  response: deletedSchema,
  errors: ["FORBIDDEN", "LAST_OWNER"],
});
