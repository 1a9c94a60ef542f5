// GET /api/v1/members (list, cursor-paginated) and POST (invite by email with a role).
import { toInvitationDto, toMemberDto } from "@/lib/api/dto/members";
import { apiRoute } from "@/lib/api/handler";
import { apiMemberInviteSchema, apiMemberListQuerySchema } from "@/lib/api/schemas/members";
import { inviteMember } from "@/lib/services/invitations";
import { getMemberOrThrow, listMembersPage } from "@/lib/services/members";

/** API keys act with admin rights on members: they never grant or touch admin/owner. */
const API_KEY_ROLE = "admin" as const;

export const GET = apiRoute({ query: apiMemberListQuerySchema }, async (ctx) => {
  const page = await listMembersPage(ctx.db, ctx.workspace.id, ctx.query);
  return { data: page.items.map(toMemberDto), nextCursor: page.nextCursor };
});

export const POST = apiRoute({ body: apiMemberInviteSchema, idempotent: true }, async (ctx) => {
  const r = await inviteMember(ctx.db, ctx.workspace.id, ctx.body, { ...ctx.actor, role: API_KEY_ROLE });
  const member = await getMemberOrThrow(ctx.db, ctx.workspace.id, r.membershipId);
  return { status: 201, data: { member: toMemberDto(member), invitation: { ...toInvitationDto(r.invitation), invite_url: r.inviteUrl } } };
});
