import { memberInviteSchema, memberListQuerySchema, memberUpdateSchema } from "@/lib/schemas/members";
import { apiSchema } from "../case";

/** REST API requests for members: the operation schemas under snake_case keys (see lib/api/case.ts). */
export const apiMemberListQuerySchema = apiSchema(memberListQuerySchema);
export const apiMemberInviteSchema = apiSchema(memberInviteSchema, { acceptCamelCase: true, meta: { id: "MemberInvite" } });
export const apiMemberUpdateSchema = apiSchema(memberUpdateSchema, { acceptCamelCase: true, meta: { id: "MemberUpdate" } });
