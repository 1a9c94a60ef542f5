// GET /api/v1/members (list, cursor-paginated) and POST (invite by email with a role).
import { toInvitationDto, toMemberDto } from "@/lib/api/dto/members";
import { apiRoute } from "@/lib/api/handler";
import { apiMemberInviteSchema, apiMemberListQuerySchema } from "@/lib/api/schemas/members";
import { inviteMember } from "@/lib/services/invitations";
import { getMemberOrThrow, listMembersPage } from "@/lib/services/members";

export const GET = apiRoute({ minRole: "viewer", query: apiMemberListQuerySchema }, async (ctx) => {
  const page = await listMembersPage(ctx.db, ctx.workspace.id, ctx.query);
  return { data: page.items.map(toMemberDto), nextCursor: page.nextCursor };
});

export const POST = apiRoute({ minRole: "admin", body: apiMemberInviteSchema, idempotent: true }, async (ctx) => {
  const r = await inviteMember(ctx.db, ctx.workspace.id, ctx.body, ctx.actor);
  const member = await getMemberOrThrow(ctx.db, ctx.workspace.id, r.membershipId);
  const invitation = toInvitationDto(r.invitation);
  const data = { member: toMemberDto(member), invitation: { ...invitation, invite_url: r.inviteUrl } };
  // The link is shown once: the idempotency store keeps (and a replay returns) the result without it.
  return { status: 201, data, replayData: { ...data, invitation: { ...invitation, invite_url: null } } };
});
