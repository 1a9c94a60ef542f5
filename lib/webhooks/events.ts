import { z } from "zod";

/**
 * The webhook event catalogue: every type, its `data` schema and what it means. Payloads are thin and
 * stable: ids and the few fields an app needs to act, never whole resources. Fields are only ever added.
 * The OpenAPI document (webhooks section) is generated from these schemas.
 */

const organizationId = z.string().meta({ description: "The workspace (organization) id." });
const userId = z.string().meta({ description: "The Gatehouse user id (stable across workspaces)." });
const email = z.string().meta({ description: "The person's email address (lowercase)." });
const role = z.enum(["owner", "admin", "editor", "viewer"]);
const directoryId = z.string().nullable().meta({ description: "The directory (SCIM) that made the change, if any." });

const userBase = { organization_id: organizationId, user_id: userId, email };

const groupData = z.object({
  organization_id: organizationId,
  directory_id: z.string(),
  group_id: z.string().meta({ description: "The SCIM group id." }),
  name: z.string(),
  external_id: z.string().nullable(),
  role: role.nullable().meta({ description: "The workspace role the group is mapped to, if any." }),
});

const groupMemberData = z.object({
  organization_id: organizationId,
  directory_id: z.string(),
  group_id: z.string(),
  group_name: z.string(),
  user_id: userId,
  email,
});

const connectionData = z.object({
  organization_id: organizationId,
  connection_id: z.string(),
  name: z.string(),
  slug: z.string(),
});

const directoryData = z.object({ organization_id: organizationId, directory_id: z.string(), name: z.string(), kind: z.string() });

export const WEBHOOK_EVENTS = {
  "user.created": {
    description: "A person became a member of the organization: provisioned by SCIM, or at their first SSO sign-in (just in time).",
    data: z.object({
      ...userBase,
      name: z.string().nullable(),
      role,
      source: z.enum(["scim", "sso"]),
      directory_id: directoryId,
      connection_id: z.string().nullable(),
    }),
  },
  "user.updated": {
    description: "The directory changed a member's profile (name, email or userName).",
    data: z.object({ ...userBase, name: z.string().nullable(), changed: z.array(z.string()), directory_id: directoryId }),
  },
  "user.deprovisioned": {
    description:
      "A member lost access to the organization: deactivated or deleted in the directory, removed from the last group mapped to a role (when the directory deprovisions on that), or disabled by an admin. Their Gatehouse sessions are ended when this was their last active membership.",
    data: z.object({
      ...userBase,
      reason: z.enum(["scim_deactivated", "scim_deleted", "scim_group_removed", "disabled"]),
      directory_id: directoryId,
      sessions_revoked: z.boolean(),
    }),
  },
  "user.reactivated": {
    description: "A deprovisioned member got access back (reactivated in the directory, or re-enabled by an admin).",
    data: z.object({ ...userBase, directory_id: directoryId }),
  },
  "membership.role_changed": {
    description: "A member's role changed (by an admin, by group → role mapping in the directory, or by SSO role mapping).",
    data: z.object({
      ...userBase,
      previous_role: role,
      role,
      source: z.enum(["admin", "scim", "sso"]),
    }),
  },
  "membership.removed": {
    description: "A member was removed from the organization.",
    data: z.object({ ...userBase, role, sessions_revoked: z.boolean() }),
  },
  "group.created": { description: "The directory created a group.", data: groupData },
  "group.updated": { description: "The directory renamed a group, or an admin mapped it to another role.", data: groupData },
  "group.deleted": { description: "The directory deleted a group.", data: groupData },
  "group.user_added": { description: "The directory added a member to a group.", data: groupMemberData },
  "group.user_removed": { description: "The directory removed a member from a group.", data: groupMemberData },
  "connection.activated": { description: "An SSO connection was turned on.", data: connectionData },
  "connection.deactivated": { description: "An SSO connection was turned off: nobody can sign in through it.", data: connectionData },
  "connection.certificate_expiring": {
    description:
      "A certificate of an SSO connection expires in 30 days, then again at 7 days: the IdP's signing certificate (`idp`; update the metadata) or Gatehouse's SP key (`sp`; rotate it).",
    data: connectionData.extend({
      certificate: z.enum(["idp", "sp"]),
      fingerprint_sha256: z.string(),
      not_after: z.string().meta({ format: "date-time" }),
      days_left: z.number().int(),
    }),
  },
  "directory.activated": { description: "A directory (SCIM) was turned on.", data: directoryData },
  "directory.deactivated": { description: "A directory (SCIM) was turned off: its requests are refused.", data: directoryData },
  "sso.sign_in_failed": {
    description: "An SSO sign-in failed (not in test mode). Opt-in: only endpoints that list this type receive it.",
    optIn: true,
    data: z.object({
      organization_id: organizationId,
      connection_id: z.string().nullable(),
      email: z.string().nullable(),
      error_code: z.string(),
      sso_event_id: z.string(),
    }),
  },
} as const satisfies Record<string, { description: string; data: z.ZodObject; optIn?: boolean }>;

export type WebhookEventType = keyof typeof WEBHOOK_EVENTS;
export type WebhookEventData<T extends WebhookEventType> = z.input<(typeof WEBHOOK_EVENTS)[T]["data"]>;

export const WEBHOOK_EVENT_TYPES = Object.keys(WEBHOOK_EVENTS) as WebhookEventType[];

/** Types that are delivered only to endpoints that list them. */
export const OPT_IN_EVENT_TYPES = WEBHOOK_EVENT_TYPES.filter((t) => (WEBHOOK_EVENTS[t] as { optIn?: boolean }).optIn);

export function isWebhookEventType(t: string): t is WebhookEventType {
  return Object.prototype.hasOwnProperty.call(WEBHOOK_EVENTS, t);
}

/** The envelope every delivery carries (Standard Webhooks): `{ type, timestamp, data }`. */
export function webhookPayloadSchema<T extends WebhookEventType>(type: T) {
  return z.object({
    type: z.literal(type),
    timestamp: z.string().meta({ format: "date-time", description: "When the change happened (ISO 8601, UTC)." }),
    data: WEBHOOK_EVENTS[type].data,
  });
}
