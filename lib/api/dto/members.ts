import type { Invitation } from "@/db/schema";
import type { InvitationDto, MemberDto } from "@/lib/schemas/members";
import { invitationStatus } from "@/lib/services/invitations";
import type { MemberRow } from "@/lib/services/members";

export function toMemberDto(m: MemberRow): MemberDto {
  return {
    id: m.id,
    user_id: m.userId,
    email: m.email,
    name: m.name,
    role: m.role,
    status: m.status,
    disabled: m.disabled,
    source: m.source,
    connection: m.connectionId ? { id: m.connectionId, name: m.connectionName } : null,
    break_glass: m.breakGlass,
    last_sign_in_at: m.lastLoginAt ? m.lastLoginAt.toISOString() : null,
    created_at: m.createdAt.toISOString(),
  };
}

export function toInvitationDto(i: Invitation, now = new Date()): InvitationDto {
  return {
    id: i.id,
    email: i.email,
    role: i.role,
    status: invitationStatus(i, now),
    expires_at: i.expiresAt.toISOString(),
    created_at: i.createdAt.toISOString(),
  };
}
