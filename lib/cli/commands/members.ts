import { AppError } from "@/lib/errors";
import type { Db } from "@/db";
import { toRoleMappingDto } from "@/lib/api/dto/connections";
import { toInvitationDto, toMemberDto } from "@/lib/api/dto/members";
import { roleMappingRuleSchema } from "@/lib/schemas/role-mappings";
import { OPERATOR } from "@/lib/services/actor";
import { inviteMember } from "@/lib/services/invitations";
import { emailDeliveryMode } from "@/lib/email/transport";
import { listMembers } from "@/lib/services/members";
import { appendRoleMapping, findConnectionScopeBySlug, listRoleMappings } from "@/lib/services/role-mapping";
import { findWorkspaceBySlug } from "@/lib/services/workspaces";
import { defineCommand, str } from "../command";

async function workspaceOrThrow(db: Db, slug: string) {
  const ws = await findWorkspaceBySlug(db, slug);
  if (!ws)
    throw new AppError("NOT_FOUND", {
      message: `No workspace with slug "${slug}".`,
      hint: "Check the slug (see the console URL /w/<slug>).",
    });
  return ws;
}

// The operator CLI acts with owner rights and is recorded in the audit log as the system (no user).

function inviteEmailNote(): string {
  const mode = emailDeliveryMode();
  if (mode === "off") return "No email was sent (SMTP_URL is not set): send them the link yourself.";
  return mode === "capture"
    ? "The invitation email is captured at /dev/mail (development, no SMTP_URL)."
    : "The invitation is emailed to them.";
}

export const membersInvite = defineCommand({
  name: "members:invite",
  summary:
    "Invite a person by email with a role; emails the invitation (SMTP_URL; captured at /dev/mail in development) and prints the link.",
  flags: {
    workspace: { type: "string", required: true, description: "Workspace slug" },
    email: { type: "string", required: true, description: "Email of the person to invite" },
    role: { type: "string", required: true, description: "owner | admin | editor | viewer" },
  },
  async run(ctx) {
    const ws = await workspaceOrThrow(ctx.db, str(ctx, "workspace"));
    const r = await inviteMember(ctx.db, ws.id, { email: str(ctx, "email"), role: str(ctx, "role") as never }, OPERATOR);
    ctx.print(
      `Invited ${r.invitation.email} to ${ws.slug} as ${r.invitation.role}. ${inviteEmailNote()} The link (valid 7 days, works once):`,
    );
    ctx.print("");
    ctx.print(`  ${r.inviteUrl}`);
    return {
      ...toInvitationDto(r.invitation),
      invite_url: r.inviteUrl,
      membership_id: r.membershipId,
      workspace: { id: ws.id, slug: ws.slug },
    };
  },
});

export const membersList = defineCommand({
  name: "members:list",
  summary: "List a workspace's members: email, name, role, status, source, last sign-in, break-glass.",
  flags: { workspace: { type: "string", required: true, description: "Workspace slug" } },
  async run(ctx) {
    const ws = await workspaceOrThrow(ctx.db, str(ctx, "workspace"));
    const members = (await listMembers(ctx.db, ws.id)).map(toMemberDto);
    for (const m of members) {
      const source = m.source === "sso" ? `sso${m.connection?.name ? ` (${m.connection.name})` : ""}` : m.source;
      const flags = [m.disabled ? "disabled" : "", m.break_glass ? "break-glass" : ""].filter(Boolean).join(", ");
      ctx.print(
        `${m.email.padEnd(36)} ${m.role.padEnd(7)} ${m.status.padEnd(8)} ${source.padEnd(20)} ${m.last_sign_in_at ?? "never"}${flags ? `  [${flags}]` : ""}`,
      );
    }
    if (!members.length) ctx.print("No members.");
    return members;
  },
});

export const connectionsMapRole = defineCommand({
  name: "connections:map-role",
  summary: "Append a role-mapping rule to a connection: when the IdP attribute carries the value, grant the role.",
  flags: {
    slug: { type: "string", required: true, description: "Connection slug" },
    attribute: {
      type: "string",
      required: true,
      description: "Assertion attribute, e.g. groups (Entra: http://schemas.microsoft.com/ws/2008/06/identity/claims/groups)",
    },
    value: { type: "string", required: true, description: "Attribute value, e.g. the group name or ID" },
    role: { type: "string", required: true, description: "admin | editor | viewer (owner is never granted by an IdP)" },
  },
  async run(ctx) {
    const c = await findConnectionScopeBySlug(ctx.db, str(ctx, "slug"));
    const parsed = roleMappingRuleSchema.parse({ attribute: str(ctx, "attribute"), value: str(ctx, "value"), role: str(ctx, "role") });
    const rule = toRoleMappingDto(await appendRoleMapping(ctx.db, c.workspaceId, c.id, parsed, OPERATOR));
    const rules = (await listRoleMappings(ctx.db, c.workspaceId, c.id)).map(toRoleMappingDto);
    ctx.print(`Added rule #${rule.position + 1} to ${str(ctx, "slug")}: ${rule.attribute} = ${rule.value} → ${rule.role}`);
    ctx.print(`The connection now has ${rules.length} rule(s); the highest matching role wins.`);
    return { connection: { id: c.id, slug: str(ctx, "slug") }, rule, rules };
  },
});
